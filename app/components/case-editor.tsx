import { Form, useFetcher } from "@remix-run/react";
import { useEffect, useRef, type ReactNode } from "react";
import { IdempotencyKeyField, SendButton } from "~/components/send-once";
import { isolate } from "~/domain/bidi";
import { LENS_LABELS, LENSES, PERSPECTIVE_KEYS } from "~/domain/case-file";
import { NEW_OPTION, type OptionOriginQuestion } from "~/domain/case-form";
import { formKey } from "~/domain/idempotency";
import { JUDGEMENT_SCALE } from "~/domain/scales";
import { TEXT_LIMITS } from "~/domain/text-limits";
import { codeUnitCap } from "~/domain/visible-length";

type Values = Record<string, string | string[]>;

export interface EditorPreview {
  title: string;
  summary: string;
  stages: { title: string; html: string }[];
  perspectives: { key: string; prompt: string; options: string[] }[];
  judgement: string;
  /** Role briefs, rehearsal prompts and model answers per perspective (ADR 027), as the author wrote them. */
  rolePlay: { perspective: string; briefHtml: string | null; rehearsalHtml: string | null; modelAnswersHtml: string | null }[];
  facilitatorNotesHtml: string | null;
}

interface Props {
  mode: "new" | "edit";
  /** The page's key (its loader's `newPageKey`): the form's idempotency key is this plus "case-editor" (ADR 016). */
  pageKey: string;
  status: "draft" | "published" | "archived" | null;
  values: Values;
  errors: Record<string, string>;
  stageSlots: number;
  preview?: EditorPreview;
  /** Per perspective slot, changed option lines to call a rewording or a new option (ADR 017). */
  optionQuestions?: Record<number, OptionOriginQuestion[]>;
}

function text(values: Values, name: string): string {
  const value = values[name];
  return Array.isArray(value) ? value.join("\n") : (value ?? "");
}

function FieldError({ name, errors }: { name: string; errors: Record<string, string> }) {
  return errors[name] ? (
    <p className="field-error" id={`${name}-error`}>
      {errors[name]}
    </p>
  ) : null;
}

function Labelled({ name, label, hint, errors, children }: { name: string; label: string; hint?: string; errors: Record<string, string>; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={name}>{label}</label>
      {hint ? (
        <p className="hint" id={`${name}-hint`}>
          {hint}
        </p>
      ) : null}
      {children}
      <FieldError name={name} errors={errors} />
    </div>
  );
}

function described(name: string, errors: Record<string, string>, hint?: boolean) {
  const ids = [hint ? `${name}-hint` : null, errors[name] ? `${name}-error` : null].filter(Boolean).join(" ");
  return { "aria-describedby": ids || undefined, "aria-invalid": errors[name] ? true : undefined };
}

/**
 * Renders what the case page will show, from the same sanitized HTML. Beside the form it scrolls
 * by itself, so it takes the keyboard's focus (tabIndex 0) to be scrolled without a mouse (axe
 * "scrollable-region-focusable"); its label names the region when it is focused.
 */
export function CasePreviewPanel({ preview }: { preview: EditorPreview }) {
  return (
    <section className="case-preview" aria-label="Preview" tabIndex={0}>
      <h2>Preview</h2>
      <h3 className="preview-title" dir="auto">
        {preview.title || "(untitled)"}
      </h3>
      <p className="summary" dir="auto">
        {preview.summary}
      </p>
      {preview.stages.map((stage, i) => (
        <section key={i} className="stage">
          <h4>
            <span className="stage-number">
              Stage {i + 1} of {preview.stages.length}
            </span>
            <bdi>{stage.title}</bdi>
          </h4>
          <div dir="auto" dangerouslySetInnerHTML={{ __html: stage.html }} />
        </section>
      ))}
      <p>
        <strong>
          <bdi>{preview.judgement}</bdi>
        </strong>{" "}
        ({JUDGEMENT_SCALE[0].label.toLowerCase()} … {JUDGEMENT_SCALE[6].label.toLowerCase()})
      </p>
      {preview.perspectives.map((p) => (
        <div key={p.key} className="perspective">
          <h4>As the {p.key || "(no perspective chosen)"}</h4>
          <p dir="auto">{p.prompt}</p>
          <ul>
            {p.options.map((o, i) => (
              <li key={i} dir="auto">
                {o}
              </li>
            ))}
          </ul>
        </div>
      ))}
      {preview.rolePlay.map((role) => (
        <section key={role.perspective} className="facilitator-notes">
          <h4>Role-play as the {role.perspective}</h4>
          {role.briefHtml ? (
            <>
              <h5>Role brief</h5>
              <div dir="auto" dangerouslySetInnerHTML={{ __html: role.briefHtml }} />
            </>
          ) : null}
          {role.rehearsalHtml ? (
            <>
              <h5>Rehearsal</h5>
              <div dir="auto" dangerouslySetInnerHTML={{ __html: role.rehearsalHtml }} />
            </>
          ) : null}
          {role.modelAnswersHtml ? (
            <>
              <h5>Model answers</h5>
              <div dir="auto" dangerouslySetInnerHTML={{ __html: role.modelAnswersHtml }} />
            </>
          ) : null}
        </section>
      ))}
      {preview.facilitatorNotesHtml ? (
        <section className="facilitator-notes">
          <h4>Facilitator notes</h4>
          <div dir="auto" dangerouslySetInnerHTML={{ __html: preview.facilitatorNotesHtml }} />
        </section>
      ) : null}
    </section>
  );
}

/**
 * Beside a perspective's options, once a save found lines with new wordings while options left
 * the list: for each line, is it a rewording of one of those (its answers stay with it) or a new
 * option? Answered with a select; the hidden field ties the answer to the wording it was given for.
 */
function OptionOrigins({ questions, errors }: { questions: OptionOriginQuestion[]; errors: Record<string, string> }) {
  return (
    <fieldset className="field option-origins">
      <legend>Changed options: reworded, or new?</legend>
      <p className="hint">A reworded option keeps the answers already given to it. A new option starts with none, and an option that left the list keeps its answers, shown as no longer offered.</p>
      {questions.map((question) => (
        <div key={question.field} className="field">
          <label htmlFor={question.field}>
            &ldquo;<bdi>{question.text}</bdi>&rdquo; is
          </label>
          <input type="hidden" name={`${question.field}-text`} value={question.text} />
          <select id={question.field} name={question.field} defaultValue={question.chosen} {...described(question.field, errors)}>
            <option value="">Choose…</option>
            {question.candidates.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                a rewording of &ldquo;{isolate(candidate.text)}&rdquo;
              </option>
            ))}
            <option value={NEW_OPTION}>a new option</option>
          </select>
          <FieldError name={question.field} errors={errors} />
        </div>
      ))}
    </fieldset>
  );
}

export function CaseEditor({ mode, pageKey, status, values, errors, stageSlots, preview, optionQuestions }: Props) {
  const key = formKey(pageKey, "case-editor");
  const formRef = useRef<HTMLFormElement>(null);
  const previewer = useFetcher<{ preview?: EditorPreview }>();
  const timer = useRef<ReturnType<typeof setTimeout>>();
  // With JavaScript the preview follows the typing; without it, the Preview button does the same.
  const schedulePreview = () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      if (!formRef.current) return;
      const data = new FormData(formRef.current);
      data.set("intent", "preview");
      previewer.submit(data, { method: "post" });
    }, 400);
  };
  useEffect(() => () => clearTimeout(timer.current), []);
  const shown = previewer.data?.preview ?? preview;
  const formError = errors.form;
  const errorCount = Object.keys(errors).length;
  const lenses = new Set(Array.isArray(values.lenses) ? values.lenses : values.lenses ? [values.lenses] : []);
  // After a refused save the page may have grown a question far from the Publish button (or
  // off a small screen): focus moves to the first "reworded, or new?" select still unanswered,
  // else to the summary of what needs fixing, so keyboard, screen reader and phone users land on it.
  const summaryRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (Object.keys(errors).length === 0) return;
    const question = Object.values(optionQuestions ?? {})
      .flat()
      .find((q) => errors[q.field]);
    const target = question ? document.getElementById(question.field) : summaryRef.current;
    target?.focus();
  }, [errors, optionQuestions]);

  return (
    <div className="editor-layout">
      {/* A preview still waiting when the form is sent would post beside the save, and its
          revalidation could land on the navigation the save began; the save makes it moot. */}
      <Form method="post" className="stack case-editor" ref={formRef} onChange={schedulePreview} onSubmit={() => clearTimeout(timer.current)} noValidate>
        {errorCount > 0 ? (
          <div className="form-error" role="alert" tabIndex={-1} ref={summaryRef}>
            <p>{errorCount === 1 ? "One thing needs fixing" : `${errorCount} things need fixing`} before this case can be saved. Everything you typed is still here.</p>
            {formError ? <p>{formError}</p> : null}
          </div>
        ) : null}
        <IdempotencyKeyField value={key} />
        <input type="hidden" name="stageCount" value={stageSlots} />
        <fieldset>
          <legend>
            <h2>About the case</h2>
          </legend>
          <Labelled name="title" label="Title" errors={errors}>
            <input id="title" name="title" type="text" maxLength={codeUnitCap(TEXT_LIMITS.caseTitle)} defaultValue={text(values, "title")} {...described("title", errors)} />
          </Labelled>
          <Labelled
            name="slug"
            label="Address (slug)"
            hint={mode === "edit" ? "Fixed once a case exists, so links keep working." : "Lowercase letters, digits and hyphens, e.g. the-late-report."}
            errors={errors}
          >
            <input id="slug" name="slug" type="text" maxLength={80} defaultValue={text(values, "slug")} readOnly={mode === "edit"} {...described("slug", errors, true)} />
          </Labelled>
          <Labelled name="summary" label="Summary" hint="One sentence for the library card." errors={errors}>
            <textarea id="summary" name="summary" rows={2} maxLength={codeUnitCap(TEXT_LIMITS.caseSummary)} defaultValue={text(values, "summary")} {...described("summary", errors, true)} />
          </Labelled>
          <Labelled name="tags" label="Tags" hint="Comma-separated, e.g. hiring, honesty." errors={errors}>
            <input id="tags" name="tags" type="text" maxLength={400} defaultValue={text(values, "tags")} {...described("tags", errors, true)} />
          </Labelled>
        </fieldset>

        <fieldset>
          <legend>
            <h2>Perspectives</h2>
          </legend>
          <p className="hint">Everyone answers every perspective. Employee and employer are required; add others if the case needs them.</p>
          {[0, 1, 2, 3].map((i) => {
            const fixed = i === 0 ? "employee" : i === 1 ? "employer" : null;
            const key = `perspective-${i}`;
            return (
              <div key={i} className="perspective editor-perspective">
                {fixed ? (
                  <>
                    <h3>As the {fixed}</h3>
                    <input type="hidden" name={`${key}-key`} value={fixed} />
                  </>
                ) : (
                  <Labelled name={`${key}-key`} label={`Extra perspective ${i - 1} (optional)`} errors={errors}>
                    <select id={`${key}-key`} name={`${key}-key`} defaultValue={text(values, `${key}-key`)} {...described(`${key}-key`, errors)}>
                      <option value="">None</option>
                      {PERSPECTIVE_KEYS.filter((k) => k !== "employee" && k !== "employer").map((k) => (
                        <option key={k} value={k}>
                          {k}
                        </option>
                      ))}
                    </select>
                  </Labelled>
                )}
                <Labelled name={`${key}-prompt`} label="Prompt" errors={errors}>
                  <input
                    id={`${key}-prompt`}
                    name={`${key}-prompt`}
                    type="text"
                    maxLength={codeUnitCap(TEXT_LIMITS.prompt)}
                    defaultValue={text(values, `${key}-prompt`)}
                    {...described(`${key}-prompt`, errors)}
                  />
                </Labelled>
                <Labelled name={`${key}-options`} label="Options" hint="One per line; 2 to 6." errors={errors}>
                  <textarea id={`${key}-options`} name={`${key}-options`} rows={4} defaultValue={text(values, `${key}-options`)} {...described(`${key}-options`, errors, true)} />
                </Labelled>
                {optionQuestions?.[i]?.length ? <OptionOrigins questions={optionQuestions[i]} errors={errors} /> : null}
                <Labelled
                  name={`${key}-brief`}
                  label="Role brief (optional)"
                  hint="What people playing this role know and feel that the other side does not. Private: shown only to authors and admins."
                  errors={errors}
                >
                  <textarea id={`${key}-brief`} name={`${key}-brief`} rows={5} defaultValue={text(values, `${key}-brief`)} {...described(`${key}-brief`, errors, true)} />
                </Labelled>
                <Labelled name={`${key}-rehearsal`} label="Rehearsal prompt (optional)" hint="What this role practises saying, and to whom." errors={errors}>
                  <textarea id={`${key}-rehearsal`} name={`${key}-rehearsal`} rows={2} defaultValue={text(values, `${key}-rehearsal`)} {...described(`${key}-rehearsal`, errors, true)} />
                </Labelled>
                <Labelled name={`${key}-model-answers`} label="Model answers (optional)" hint="Your own answers to the rehearsal prompt, for the debrief; a list works well." errors={errors}>
                  <textarea
                    id={`${key}-model-answers`}
                    name={`${key}-model-answers`}
                    rows={4}
                    defaultValue={text(values, `${key}-model-answers`)}
                    {...described(`${key}-model-answers`, errors, true)}
                  />
                </Labelled>
              </div>
            );
          })}
          <Labelled name="judgement" label="Judgement question" hint="Answered on a 7-point scale from “clearly wrong” to “clearly right”." errors={errors}>
            <input id="judgement" name="judgement" type="text" maxLength={codeUnitCap(TEXT_LIMITS.judgement)} defaultValue={text(values, "judgement")} {...described("judgement", errors, true)} />
          </Labelled>
          <fieldset className="field" {...described("lenses", errors)}>
            <legend>Lenses to suggest</legend>
            <div className="inline-choices">
              {LENSES.map((lens) => (
                <label key={lens} className="choice">
                  <input type="checkbox" name="lenses" value={lens} defaultChecked={lenses.has(lens)} />
                  {LENS_LABELS[lens]}
                </label>
              ))}
            </div>
            <FieldError name="lenses" errors={errors} />
          </fieldset>
          <Labelled name="discussion" label="Discussion questions" hint="One per line." errors={errors}>
            <textarea id="discussion" name="discussion" rows={4} defaultValue={text(values, "discussion")} {...described("discussion", errors, true)} />
          </Labelled>
        </fieldset>

        <fieldset>
          <legend>
            <h2>Stages</h2>
          </legend>
          <p className="hint">Revealed in order. Markdown: **bold**, *italic*, lists, links; use ### for headings inside a stage. Leave a stage blank to drop it.</p>
          {Array.from({ length: stageSlots }, (_, i) => (
            <div key={i} className="editor-stage">
              <Labelled name={`stage-${i}-title`} label={`Stage ${i + 1} title`} errors={errors}>
                <input
                  id={`stage-${i}-title`}
                  name={`stage-${i}-title`}
                  type="text"
                  maxLength={codeUnitCap(TEXT_LIMITS.stageTitle)}
                  defaultValue={text(values, `stage-${i}-title`)}
                  {...described(`stage-${i}-title`, errors)}
                />
              </Labelled>
              <Labelled name={`stage-${i}-body`} label={`Stage ${i + 1} text`} errors={errors}>
                <textarea id={`stage-${i}-body`} name={`stage-${i}-body`} rows={8} defaultValue={text(values, `stage-${i}-body`)} {...described(`stage-${i}-body`, errors)} />
              </Labelled>
            </div>
          ))}
          <button type="submit" name="intent" value="add-stage" className="secondary">
            Add a stage
          </button>
        </fieldset>

        <fieldset>
          <legend>
            <h2>For facilitators</h2>
          </legend>
          <Labelled name="facilitatorNotes" label="Facilitator notes" hint="Shown only to facilitators, authors and admins." errors={errors}>
            <textarea id="facilitatorNotes" name="facilitatorNotes" rows={6} defaultValue={text(values, "facilitatorNotes")} {...described("facilitatorNotes", errors, true)} />
          </Labelled>
          <Labelled name="sources" label="Sources" errors={errors}>
            <textarea id="sources" name="sources" rows={3} defaultValue={text(values, "sources")} {...described("sources", errors)} />
          </Labelled>
        </fieldset>

        <div className="inline-form editor-actions">
          <button type="submit" name="intent" value="preview" className="secondary">
            Preview
          </button>
          {status !== "published" ? (
            <SendButton sendingKey={key} name="intent" value="save" className="secondary">
              {status === "archived" ? "Save (stays archived)" : "Save draft"}
            </SendButton>
          ) : null}
          <SendButton sendingKey={key} name="intent" value="publish">
            {status === "published" ? "Publish changes (new version)" : "Publish"}
          </SendButton>
        </div>
      </Form>
      {shown ? <CasePreviewPanel preview={shown} /> : <p className="muted editor-preview-hint">The preview appears here as you type (or press Preview).</p>}
    </div>
  );
}
