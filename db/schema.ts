import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

/** ISO-8601 UTC timestamps, stored as text so SQLite and PostgreSQL agree. */
type Timestamp = string;

export type Role = "participant" | "facilitator" | "author" | "admin";
export type Standing = "frontline" | "manager" | "hr" | "other";
export type CaseStatus = "published" | "draft" | "archived";
export type VersionOrigin = "file" | "app";

export interface UsersTable {
  id: Generated<number>;
  email: string;
  display_name: string;
  password_hash: string;
  role: Role;
  standing: Standing | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Replies to this person's arguments after this moment count as unread. */
  replies_seen_at: ColumnType<Timestamp | null, Timestamp | null | undefined, Timestamp | null>;
  /** The total of "changed N minds" over this person's arguments when they last opened /me (migration 0012). */
  moved_seen: ColumnType<number, number | undefined, number>;
  /** When an admin deactivated the account (migration 0014); null while it is active. */
  deactivated_at: ColumnType<Timestamp | null, Timestamp | null | undefined, Timestamp | null>;
}

/** A password reset (ADR 023): only the token's SHA-256 is kept; single-use and expiring. */
export interface PasswordResetsTable {
  id: Generated<number>;
  user_id: number;
  token_hash: string;
  /** The admin who made the link; null when the person asked by email. */
  created_by: number | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface SessionsTable {
  id: string;
  user_id: number;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface AppSettingsTable {
  key: string;
  value: string;
  created_at: Timestamp;
}

export interface CasesTable {
  id: Generated<number>;
  slug: string;
  status: CaseStatus;
  current_version_id: number | null;
  /** Path of the case file under cases/ when the case came from a file. */
  file_path: string | null;
  /** Content hash of the file as last imported: tells an edited file from an unchanged one. */
  file_hash: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CaseVersionsTable {
  id: Generated<number>;
  case_id: number;
  version: number;
  origin: VersionOrigin;
  source: string;
  content_hash: string;
  title: string;
  summary: string;
  /** The parsed CaseDocument as JSON, so pages never re-parse Markdown front matter. */
  document: string;
  created_by: number | null;
  created_at: Timestamp;
}

export interface CaseTagsTable {
  case_id: number;
  tag: string;
}

export interface CaseFileProblemsTable {
  id: Generated<number>;
  file_path: string;
  line: number;
  field: string;
  message: string;
  created_at: Timestamp;
}

export interface AuditLogTable {
  id: Generated<number>;
  actor_user_id: number | null;
  action: string;
  subject_type: string;
  subject_id: string;
  detail: string;
  created_at: Timestamp;
}

export interface RateLimitsTable {
  key: string;
  window_start: Timestamp;
  count: ColumnType<number, number, number>;
}

export type LegalAnswer = "yes" | "no" | "unsure";
export type Confidence = "low" | "medium" | "high";
export type ArgumentSide = "for" | "against" | "depends";
export type ArgumentStatus = "visible" | "hidden" | "deleted";

export interface PositionsTable {
  id: Generated<number>;
  case_id: number;
  case_version_id: number;
  user_id: number;
  perspective: string;
  /** The option's wording as offered when cast (what the person read; kept as history). */
  option: string;
  /** The option's stable id (ADR 017): what results count, whatever later versions call it. */
  option_id: string;
  /** -3 (clearly wrong) … 3 (clearly right). */
  judgement: number;
  legal: LegalAnswer;
  confidence: Confidence;
  /** The voter's declared standing when they answered. */
  standing: Standing | null;
  moved_by_argument_id: number | null;
  /** Copied from the person's first position on this perspective, so shifts are one grouped scan. */
  initial_option: string;
  initial_option_id: string;
  initial_judgement: number;
  /** judgement − initial_judgement and option_id ≠ initial_option_id, stored so the results scan covers shifts. */
  judgement_change: number;
  option_changed: number;
  /** 1 for the person's latest position on this perspective; earlier ones stay as history. */
  is_current: number;
  created_at: Timestamp;
}

export interface EmpathyGapsTable {
  case_id: number;
  user_id: number;
  standing: Standing | null;
  employee_judgement: number | null;
  employer_judgement: number | null;
  /** employee_judgement − employer_judgement once both are answered, else null. */
  gap: number | null;
  updated_at: Timestamp;
}

/** The online results last released for a case (ADR 009): aggregates only, as JSON. */
export interface ResultReleasesTable {
  case_id: number;
  /** The newest positions row the release counts; later rows wait for the next release. */
  through_position_id: number;
  /** Distinct people with a current position at release time. */
  people: number;
  /** JSON: ResultRow[] as resultRows returns them. */
  result_rows: string;
  /** JSON: GapCell[] as gapCells returns them. */
  gap_cells: string;
  /**
   * JSON: ArgumentScores (app/domain/disclosure.ts): per argument, the bridging score released (or
   * null) and which endorsers' positions it counted; null for a release made before scores were.
   * Never sent to a page as is: only the scores leave the server.
   */
  argument_scores: ColumnType<string | null, string | null | undefined, string | null>;
  released_at: Timestamp;
  /**
   * JSON: ReleasedGrouping (app/models/result-releases.server.ts): the release's grouping by
   * standing and its people per standing; null for a release made before migration 0008.
   */
  grouping: ColumnType<string | null, string | null | undefined, string | null>;
  /** Where the next release looks for people this one left waiting; null when nobody waits. */
  waiting_from_position_id: ColumnType<number | null, number | null | undefined, number | null>;
  /**
   * JSON: MovedByArgument[] (app/domain/persuasion.ts): per argument, how many released answers
   * named it as what changed the person's mind, by their lean now; null before migration 0012.
   */
  moved_by: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Each person's released answer per perspective: the positions row a release took (ADR 009). */
export interface ReleasedPositionsTable {
  case_id: number;
  user_id: number;
  perspective: string;
  position_id: number;
}

/** One record an online release held (migration 0011): a released answer and the run of releases that held it. */
export interface ReleaseRecordsTable {
  case_id: number;
  user_id: number;
  perspective: string;
  position_id: number;
  /** Index of the release that took it in the case's release history (0 first). */
  from_release: number;
  /** Index of the release that replaced it; null while held. */
  until_release: number | null;
}

export interface ArgumentsTable {
  id: Generated<number>;
  case_id: number;
  user_id: number;
  parent_id: number | null;
  perspective: string | null;
  side: ArgumentSide | null;
  lens: string | null;
  body: string;
  status: ArgumentStatus;
  moderation_reason: string | null;
  edited_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface EndorsementsTable {
  argument_id: number;
  user_id: number;
  created_at: Timestamp;
  /** The endorser's public lean on the argument from when it was first known (ADR 018); null while unknown. */
  recorded_lean: ColumnType<"right" | "wrong" | null, "right" | "wrong" | null | undefined, "right" | "wrong" | null>;
}

/** The lean a steelman argues for (ADR 031): the side its author did not take. */
export type SteelmanSide = "right" | "wrong";

export interface SteelmenTable {
  id: Generated<number>;
  case_id: number;
  user_id: number;
  perspective: string;
  side: SteelmanSide;
  body: string;
  status: ArgumentStatus;
  moderation_reason: string | null;
  /** When it opened for rating (a batch of k at a results release); null while pending. */
  opened_at: Timestamp | null;
  /** Twice the released mean rating (2 … 10); null until a score is released. */
  released_score: number | null;
  edited_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SteelmanRatingsTable {
  steelman_id: number;
  user_id: number;
  /** "Fair to us", 1 … 5. */
  value: number;
  /** The value the steelman's released score counted; null when it counted none of this rater's. */
  released_value: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SteelmanReleasesTable {
  case_id: number;
  /** The results release (result_releases.released_at) the case's steelmen were last released at. */
  results_released_at: Timestamp;
  created_at: Timestamp;
}

export interface WorkshopsTable {
  id: Generated<number>;
  case_id: number;
  /** The case version the workshop runs on; votes belong to it. */
  case_version_id: number;
  facilitator_user_id: number;
  title: string;
  /** 6 characters from JOIN_CODE_ALPHABET. */
  code: string;
  /** JSON array of the perspective keys polled. */
  perspectives: string;
  two_rounds: number;
  results_mode: "live" | "reveal";
  ask_standing: number;
  stage: string;
  voting_open: number;
  /** JSON array of rounds revealed early. */
  revealed_rounds: string;
  /** How many times round votes were reset (migration 0013): phones follow it. */
  vote_resets: ColumnType<number, number | undefined, number>;
  spotlight_submission_id: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  ended_at: Timestamp | null;
  /** 1 while the facilitator has locked the room: no new joins, phones already in keep voting. */
  locked: ColumnType<number, number | undefined, number>;
  /** Most participants (not removed) the room takes; null for no limit. */
  capacity: number | null;
  /** Role-play (migration 0016, ADR 028): JSON array of the role perspectives the room is split into; null for an ordinary workshop. */
  roles: ColumnType<string | null, string | null | undefined, string | null>;
  /** Role assignments and moves so far: 0 until roles are assigned; phones follow it to read their role card again. */
  roles_version: ColumnType<number, number | undefined, number>;
  /** The running step timer's deadline (ISO UTC) and the minutes it was set to; null when none runs. */
  timer_ends_at: ColumnType<string | null, string | null | undefined, string | null>;
  timer_minutes: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface WorkshopParticipantsTable {
  id: Generated<number>;
  workshop_id: number;
  /** SHA-256 of the device token cookie; the token itself is never stored. */
  token_hash: string;
  display_name: string | null;
  standing: Standing | null;
  removed: ColumnType<number, number | undefined, number>;
  /** 1 once the removed participant's votes are withdrawn from the room's counts (ADR 009, "Removals"). */
  withdrawn: ColumnType<number, number | undefined, number>;
  /** The role (a perspective key) this participant plays in a role-play workshop; null until assigned (ADR 028). */
  role: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
}

/**
 * How many participants are in a room now (not removed), per role they play (ADR 040): kept by
 * joinWorkshop (one more) and counted again by every other change of who is present or of a
 * present participant's role (participants.server.ts, `recountPresence`).
 */
export interface WorkshopPresenceTable {
  workshop_id: number;
  /** The role played, or '' for none (a room without roles, or before the assignment). */
  role: string;
  present: number;
}

export interface WorkshopVotesTable {
  id: Generated<number>;
  workshop_id: number;
  participant_id: number;
  round: number;
  perspective: string;
  /** The option's wording in the workshop's case version. */
  option: string;
  /** The option's stable id (ADR 017), so rooms on different versions compare. */
  option_id: string;
  judgement: number;
  moved_by_submission_id: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WorkshopSubmissionsTable {
  id: Generated<number>;
  workshop_id: number;
  participant_id: number;
  kind: "argument" | "question";
  body: string;
  hidden: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
}

export interface WorkshopUpvotesTable {
  submission_id: number;
  participant_id: number;
  created_at: Timestamp;
}

/** A role-play room's steelman or rehearsal line (migration 0018, ADR 034): one per participant, workshop and kind. */
export interface RolePlayTextsTable {
  id: Generated<number>;
  workshop_id: number;
  participant_id: number;
  kind: "steelman" | "rehearsal";
  /** The role its author played when writing. */
  role: string;
  /** A steelman: the role it argues for (its raters'); null for a rehearsal line. */
  target_role: string | null;
  body: string;
  hidden: ColumnType<number, number | undefined, number>;
  /** Twice the released mean rating (half points); null until a score is released. */
  released_score: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RolePlayRatingsTable {
  text_id: number;
  participant_id: number;
  /** "Fair to us" 1 … 5, or a rehearsal line's criteria met, 0 … 3. */
  value: number;
  /** A rehearsal rating's criteria met, a bit per criterion in order; null for a steelman. */
  criteria: number | null;
  /** The value the text's released score counted; null when it counted none of this rater's. */
  released_value: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/**
 * The first answer to each idempotency key (ADR 016), per scope ("user:12", "participant:34",
 * "device:<token hash>", "signup"), kept for IDEMPOTENCY_KEY_LIFETIME_MS.
 */
export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  /** SHA-256 (hex) of what the first request sent (`canonicalSubmission`), to refuse a reused key. */
  fingerprint: string;
  /** The first answer's HTTP status and JSON body; set in the transaction that claimed the key. */
  status: number | null;
  response: string | null;
  created_at: Timestamp;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  password_resets: PasswordResetsTable;
  app_settings: AppSettingsTable;
  cases: CasesTable;
  case_versions: CaseVersionsTable;
  case_tags: CaseTagsTable;
  case_file_problems: CaseFileProblemsTable;
  audit_log: AuditLogTable;
  rate_limits: RateLimitsTable;
  positions: PositionsTable;
  empathy_gaps: EmpathyGapsTable;
  result_releases: ResultReleasesTable;
  released_positions: ReleasedPositionsTable;
  release_records: ReleaseRecordsTable;
  arguments: ArgumentsTable;
  endorsements: EndorsementsTable;
  steelmen: SteelmenTable;
  steelman_ratings: SteelmanRatingsTable;
  steelman_releases: SteelmanReleasesTable;
  workshops: WorkshopsTable;
  workshop_participants: WorkshopParticipantsTable;
  workshop_presence: WorkshopPresenceTable;
  workshop_votes: WorkshopVotesTable;
  workshop_submissions: WorkshopSubmissionsTable;
  workshop_upvotes: WorkshopUpvotesTable;
  role_play_texts: RolePlayTextsTable;
  role_play_ratings: RolePlayRatingsTable;
  idempotency_keys: IdempotencyKeysTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type CaseRow = Selectable<CasesTable>;
export type CaseVersionRow = Selectable<CaseVersionsTable>;

/** A snake_case column name as the app's objects spell it: `case_version_id` → `caseVersionId`. */
export type CamelCase<Column extends string> = Column extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : Column;

/** A row with its columns named as the app's objects name them, each of the column's type. */
export type CamelCased<Row> = { [Column in keyof Row & string as CamelCase<Column>]: Row[Column] };
