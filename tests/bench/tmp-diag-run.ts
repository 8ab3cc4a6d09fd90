import { benchWorkshop } from "./tmp-workshop-diag";
const w = await benchWorkshop({ participants: Number(process.env.N ?? 1000) });
const { failures, ...rest } = w;
console.log(JSON.stringify(rest, (k, v) => (typeof v === "number" ? Math.round(v * 10) / 10 : v)), failures);
