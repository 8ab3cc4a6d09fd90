import { databaseLocation, readConfigOrExit } from "../app/platform/config.server";
import { recordAudit } from "../app/models/audit.server";
import { findUserByEmail, setUserRole } from "../app/models/users.server";
import { migrateToLatest, openDatabase } from "../db/client";

const email = process.argv[2];
if (!email) {
  console.error("Usage: npm run users:make-admin -- someone@example.com");
  process.exit(2);
}
const config = readConfigOrExit("users:make-admin cannot run");
const db = openDatabase(databaseLocation(config), { poolSize: config.databasePoolSize });
try {
  await migrateToLatest(db);
  const user = await findUserByEmail(db, email);
  if (!user) {
    console.error(`No account with the email ${email}. Sign up first, then run this again.`);
    process.exitCode = 1;
  } else {
    await setUserRole(db, user.id, "admin");
    await recordAudit(db, { actorUserId: null, action: "user.role-changed", subjectType: "user", subjectId: String(user.id), detail: `${user.display_name}: ${user.role} → admin (command line)` });
    console.log(`${user.display_name} <${user.email}> is now an admin.`);
  }
} finally {
  await db.destroy();
}
