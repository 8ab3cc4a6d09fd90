import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireWorkshopFacilitator } from "~/workshops/access.server";
import { exportDisposition, workshopPositionsCsv } from "~/workshops/debrief.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { workshop } = await requireWorkshopFacilitator(request, params.id);
  return new Response(await workshopPositionsCsv(workshop), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": exportDisposition(workshop, "csv"),
      "Cache-Control": "no-store",
    },
  });
}
