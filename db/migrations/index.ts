import type { Migration } from "kysely";
import * as m0001 from "./0001_init";
import * as m0002 from "./0002_debate";
import * as m0003 from "./0003_workshops";
import * as m0004 from "./0004_result_releases";
import * as m0005 from "./0005_room_defences";
import * as m0006 from "./0006_withdrawn_voters";
import * as m0007 from "./0007_released_argument_scores";
import * as m0008 from "./0008_released_positions";
import * as m0009 from "./0009_idempotency_keys";
import * as m0010 from "./0010_stable_option_ids";
import * as m0011 from "./0011_release_records";
import * as m0012 from "./0012_released_persuasion";
import * as m0013 from "./0013_vote_resets";
import * as m0014 from "./0014_accounts";
import * as m0015 from "./0015_recorded_leans";
import * as m0016 from "./0016_role_play";
import * as m0017 from "./0017_steelmen";
import * as m0018 from "./0018_role_play_texts";
import * as m0019 from "./0019_room_presence";
import * as m0020 from "./0020_newest_participants";

/**
 * Migrations are listed here rather than read from the folder, so they are bundled into the
 * server build and run the same from `npm run db:migrate`, tests and start-up.
 */
export const migrations: Record<string, Migration> = {
  "0001_init": m0001,
  "0002_debate": m0002,
  "0003_workshops": m0003,
  "0004_result_releases": m0004,
  "0005_room_defences": m0005,
  "0006_withdrawn_voters": m0006,
  "0007_released_argument_scores": m0007,
  "0008_released_positions": m0008,
  "0009_idempotency_keys": m0009,
  "0010_stable_option_ids": m0010,
  "0011_release_records": m0011,
  "0012_released_persuasion": m0012,
  "0013_vote_resets": m0013,
  "0014_accounts": m0014,
  "0015_recorded_leans": m0015,
  "0016_role_play": m0016,
  "0017_steelmen": m0017,
  "0018_role_play_texts": m0018,
  "0019_room_presence": m0019,
  "0020_newest_participants": m0020,
};
