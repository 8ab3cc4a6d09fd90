import { describeImport, importCaseDirectory } from "../app/cases/files.server";
import { databaseLabel, databaseLocation, readConfigOrExit } from "../app/platform/config.server";
import { formatCaseFileProblem, formatCaseFileWarning } from "../app/domain/case-file";
import { migrateToLatest, openDatabase } from "../db/client";

const config = readConfigOrExit("cases:import cannot run");
const databasePath = databaseLabel(config);
const { casesDirectory } = config;
const force = process.argv.includes("--force");
const db = openDatabase(databaseLocation(config), { poolSize: config.databasePoolSize });
try {
  await migrateToLatest(db);
  const report = await importCaseDirectory(db, casesDirectory, { force });
  for (const slug of report.added) console.log(`added      ${slug}`);
  for (const slug of report.updated) console.log(`updated    ${slug}`);
  for (const slug of report.unchanged) console.log(`unchanged  ${slug}`);
  for (const { file, slug } of report.conflicts) {
    console.warn(`conflict   ${slug}: edited in the app since ${file} was last imported; kept the app's version (use --force to take the file's)`);
  }
  for (const { file, warning } of report.warnings) console.warn(formatCaseFileWarning(file, warning));
  for (const { file, problem } of report.problems) console.error(formatCaseFileProblem(file, problem));
  console.log(`${databasePath}: ${describeImport(report)}`);
  if (report.problems.length > 0) process.exitCode = 1;
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await db.destroy();
}
