import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireWorkshopFacilitator } from "~/workshops/access.server";
import { exportDisposition, workshopDebrief } from "~/workshops/debrief.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { workshop } = await requireWorkshopFacilitator(request, params.id);
  return new Response(await workshopDebrief(workshop), {
    headers: {
      "Content-Type": "text/markdown; charset=utf-8",
      "Content-Disposition": exportDisposition(workshop, "md"),
      "Cache-Control": "no-store",
    },
  });
}
