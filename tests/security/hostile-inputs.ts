/**
 * Hostile inputs, shared by the XSS tests (stored and rendered) and the hostile-input corpus
 * (sent to every action). XSS payloads that run set `window.__xss` or open a dialog, which the
 * browser tests trap.
 */

/** Short payloads that fit any text field (display names allow 40 or 60 characters). */
export const SHORT_XSS = [
  `<img src=x onerror=__xss='img'>`,
  `<svg onload=__xss='svg'>`,
  `"><script>__xss='quote'</script>`,
  `'><img src=x onerror=alert(1)>`,
  `<script>alert(document.domain)</script>`,
  `</title><script>__xss='title'</script>`,
  `</textarea><script>__xss='ta'</script>`,
  `<details open ontoggle=__xss='det'>`,
  `<input autofocus onfocus=__xss='in'>`,
  `<body onload=__xss='body'>`,
  `javascript:__xss='js'`,
  `{{constructor.constructor('__xss=1')()}}`,
  `\${__xss='template'}`,
  `<a href="javascript:__xss='a'">x</a>`,
] as const;

/** Markdown and HTML for the places that render Markdown (arguments, stages, notes, sources). */
export const MARKDOWN_XSS = [
  `<script>__xss='script'</script>`,
  `<img src=x onerror="__xss='img'">`,
  `<svg/onload=__xss='svg'>`,
  `"><script>__xss='quote'</script>`,
  `[click me](javascript:__xss='md-link')`,
  `[click me](JaVaScRiPt:__xss='md-link-case')`,
  `[data link](data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX194c3M9J2RhdGEnPC9zY3JpcHQ+)`,
  `[spaced](  javascript:__xss='spaced')`,
  `[entity](jav&#x09;ascript:__xss='entity')`,
  `<a href="javascript:__xss='a'">raw link</a>`,
  `<a href="jav&#x09;ascript:__xss='a2'">tabbed link</a>`,
  `![image](x" onerror="__xss='md-img')`,
  `![image](javascript:__xss='md-img2')`,
  `<iframe srcdoc="<script>parent.__xss='srcdoc'</script>"></iframe>`,
  `<iframe src="javascript:parent.__xss='iframe'"></iframe>`,
  `<object data="javascript:__xss='object'"></object>`,
  `<embed src="javascript:__xss='embed'">`,
  `<details open ontoggle="__xss='details'">x</details>`,
  `<video><source onerror="__xss='video'"></video>`,
  `<math><mtext><table><mglyph><style><img src=x onerror="__xss='mxss'">`,
  `<noscript><p title="</noscript><img src=x onerror=__xss='noscript'>">`,
  `<style>@import 'https://evil.example/x.css';</style>`,
  `<form action="javascript:__xss='form'"><button>go</button></form>`,
  `<base href="https://evil.example/">`,
  `<meta http-equiv="refresh" content="0;url=javascript:__xss='meta'">`,
  `<a href="https://example.com" onclick="__xss='onclick'">with a handler</a>`,
  `<p style="background:url(javascript:__xss='style')">styled</p>`,
  `<svg><a xlink:href="javascript:__xss='xlink'"><text y="20">x</text></a></svg>`,
  `<table><td background="javascript:__xss='td'">cell</td></table>`,
  `[ref link][r]\n\n[r]: javascript:__xss='ref'`,
  `<scr<script>ipt>__xss='nested'</scr</script>ipt>`,
  "`<script>__xss='code'</script>` in code",
  `\u202Egnp.exe\u202C and zero\u200Bwidth\u200Dtext\uFEFF`,
].join("\n\n");

/**
 * Markdown aimed at a generated document's structure, of kinds the corpus had none of: each
 * tries to end the place it is put in (a heading, a table cell, a quote, a list item) or to add
 * a heading, a table or a link of its own. Sent to every action with the rest of the corpus.
 */
export const EXPORT_STRUCTURE = [
  "</blockquote><h1>Injected heading</h1>",
  "Plain text\n===",
  ":--|--:",
  "| a | b |\n|---|---|\n| c | d |",
  "x\r\n# CRLF heading\r| CR table |",
  "Tab\there\tand\u000bvertical\u000cfeed",
  "**bold** _em_ ~~struck~~ `code`",
  "https://evil.example www.evil.example someone@evil.example ftp://evil.example",
];

/**
 * Markdown and HTML in every field that reaches an export (the debrief, the CSV): the ones
 * above and more of each kind, which the export tests put in every field.
 */
export const EXPORT_MARKDOWN = [
  ...EXPORT_STRUCTURE,
  "<script>alert(document.domain)</script>",
  `<img src=x onerror="alert(1)">`,
  "[click me](javascript:alert(1))",
  "<javascript:alert(1)>",
  "Plain text\n---",
  "a | b\n:-- | --:",
  "# Injected heading",
  "   ### Indented heading",
  "Title ###",
  "Trailing backslash \\",
  "1. first\n2. second",
  "- item\n* item\n+ item",
  "> quoted\n> more",
  "```\nfenced code",
  "    indented code",
  "***",
  "line one\n\nline two\n\n\n\nline three",
  "hard  \nbreak",
  "[ref][r]\n\n[r]: javascript:alert(1)",
  "![image](https://evil.example/x.png)",
  "&lt;script&gt; &#60;b&#62; &amp;",
  "<!-- comment -->",
  "[^note]\n\n[^note]: a footnote",
  "- [ ] task",
  "\\# escaped already \\| pipe",
];

/** Inputs for the corpus, by kind; each becomes one request to every target. */
export interface HostileInput {
  kind: string;
  value: string;
}

const SQL = [
  `' OR 1=1 --`,
  `' OR '1'='1`,
  `"; DROP TABLE users; --`,
  `'; DELETE FROM sessions; --`,
  `1; UPDATE users SET role='admin'`,
  `1 UNION SELECT password_hash FROM users`,
  `admin'--`,
  `') OR ('a'='a`,
  `%' OR '%'='`,
  `\\'; SELECT sqlite_version(); --`,
  `1' AND (SELECT COUNT(*) FROM sqlite_master) > 0 --`,
  `"`,
  `'`,
  `\\`,
  `;`,
  `--`,
  `/*`,
  `*/`,
  `NULL`,
  `\0`,
];

const TRAVERSAL = [
  `../../etc/passwd`,
  `..%2f..%2fetc%2fpasswd`,
  `%2e%2e%2f%2e%2e%2fetc%2fpasswd`,
  `....//....//etc/passwd`,
  `..\\..\\windows\\win.ini`,
  `/etc/passwd`,
  `file:///etc/passwd`,
  `%00../../etc/passwd`,
  `..%c0%af..%c0%afetc/passwd`,
  `..%252f..%252fetc%252fpasswd`,
  `cases/../../package.json`,
  `../build/server/index.js`,
];

const NUMBERS = [
  `NaN`,
  `-1`,
  `0`,
  `-0`,
  `1e308`,
  `1e309`,
  `-1e309`,
  `Infinity`,
  `-Infinity`,
  `9007199254740993`,
  `99999999999999999999999999`,
  `0x10`,
  `1.5`,
  `1,5`,
  ` 1 `,
  `+1`,
  `1e-400`,
  `0b101`,
  `[]`,
  `{}`,
  `true`,
  `null`,
  `undefined`,
  `2147483648`,
  `-2147483649`,
  `007`,
];

const UNICODE = [
  `\u202Eevil\u202C`,
  `admin\u200B`,
  `\u200B\u200C\u200D\uFEFF`,
  `Ａｄｍｉｎ`,
  `e\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301`,
  `\uD83D\uDE00\uD83D\uDE00`,
  `\uD800`,
  `\uDFFF\uD800`,
  `\u0000`,
  `\u0007\u0008\u001B[31mred`,
  `line\r\nSet-Cookie: injected=1`,
  `\u2028\u2029`,
  `ﷺ`.repeat(50),
  `\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}`.repeat(20),
  `İıſ`,
  `\u00A0\u2000\u3000`,
  `مرحبا\u202Bhello`,
  `𝕬𝖉𝖒𝖎𝖓`,
];

const JOIN_CODES = [
  `ABC`,
  `ABCDEFG`,
  `abcdef`,
  `O0I1L1`,
  `ABC DEF`,
  `ABC-DEF`,
  `      `,
  `ＡＢＣＤＥＦ`,
  `ABCD\u200BEF`,
  `A%20B%20C`,
  `AAAAAA`,
  `'OR1=1`,
  `<b>AB`,
  `../../`,
  `ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ`,
  // Guesses that look like real codes (the join-code guard counts each as a miss), and the
  // numbers a capacity or a burst window must refuse.
  `QQQQQQ`,
  `23456A`,
  `abcdef.data`,
  `0`,
  `-1`,
  `1e9`,
  `2026-13-45T99:99:99.999Z`,
];

const YAML = [
  `---\nslug: [a, b\n---`,
  `key: &a [*a]`,
  `a: &a ["lol","lol"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]`,
  `!!js/function "function(){ return 1 }"`,
  `!!python/object/apply:os.system ["id"]`,
  `<<: *base`,
  `? complex key\n: value`,
  `"\\u0000"`,
  `%YAML 9.9\n---`,
  `title: |\n  multi\n  line`,
  `- - - - - - - - - - - - - - - - - -`,
  `{{{{{{{{{{{{{{{{{{{{`,
];

const OTHER = [
  ``,
  ` `,
  `\t\n\r`,
  `%`,
  `%%%`,
  `%zz`,
  `+`,
  `&`,
  `=`,
  `&intent=hide&argumentId=1`,
  `a&role=admin`,
  `__proto__`,
  `constructor`,
  `prototype`,
  `toString`,
  `hasOwnProperty`,
  `{"$gt": ""}`,
  `{"__proto__": {"admin": true}}`,
  `<!--`,
  `]]>`,
  `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>`,
  `\${7*7}`,
  `#{7*7}`,
  `<%= 7*7 %>`,
  `$(id)`,
  "`id`",
  `| cat /etc/passwd`,
  `=cmd|' /C calc'!A0`,
  `@SUM(1+1)*cmd|' /C calc'!A0`,
  `-2+3`,
  `http://169.254.169.254/latest/meta-data/`,
  `//evil.example`,
  `/\\evil.example`,
  `https://evil.example`,
  `mailto:someone@example.com?subject=x`,
  `a`.repeat(61),
  `a`.repeat(121),
  `a`.repeat(301),
  `a`.repeat(2001),
  `a`.repeat(10_000),
  `word `.repeat(4000),
  `x\n`.repeat(5000),
  `## Stage: injected\n\nText`,
  `---\nslug: injected\n---`,
  `## Facilitator notes\n\nInjected`,
  `employee`,
  `employer`,
  `admin`,
  `others`,
  `on`,
];

/**
 * Markdown nested past the renderer's limits (app/domain/markdown-limits.ts), one of each
 * construct, each within the 2,000-character argument limit so that it reaches the nesting check
 * (about 2,000 `>` in a row used to overflow marked's stack). Bigger ones are in hostileCaseFiles.
 */
export const MARKDOWN_DEPTH = [
  `${">".repeat(1990)} Disagree`,
  `${"> ".repeat(990)}deep`,
  `${"- ".repeat(990)}deep`,
  `${"1. ".repeat(660)}deep`,
  Array.from({ length: 40 }, (_, i) => `${"  ".repeat(i)}- level ${i + 1}`).join("\n"),
  `${"> - ".repeat(495)}deep`,
  `${">".repeat(600)} | a | b |\n${">".repeat(600)} |---|---|\n${">".repeat(600)} | 1 | 2 |`,
  `${"*".repeat(995)}deep${"*".repeat(995)}`.slice(0, 2000),
  `${"_a ".repeat(330)}deep${" a_".repeat(330)}`.slice(0, 2000),
  `${"~~a ".repeat(495)}deep`,
  `${"[a ".repeat(660)}deep`,
  `${"![".repeat(990)}deep`,
  `${"<span>".repeat(330)}deep`,
  `${"<div>\n".repeat(330)}deep`,
  "**a".repeat(660),
];

/**
 * Redirect targets that leave this site (or break the Location header) however they are spelled:
 * every one must be refused, the redirect going home instead. Used by the unit tests of
 * safeRedirectTarget and, as `redirectTo`, by the security suite against the real login.
 */
export const URL_TRICKS = [
  `//evil.example/path`,
  `///evil.example/path`,
  `////evil.example`,
  `/\\evil.example/path`,
  `/\\/evil.example`,
  `\\evil.example`,
  `\\\\evil.example`,
  `/\t/evil.example/path`,
  `/\t\t/evil.example`,
  `\t//evil.example`,
  `/\n/evil.example`,
  `/\r\n/evil.example`,
  `/path\r\nSet-Cookie: injected=1`,
  `/\u0000/evil.example`,
  `/\u007f/evil.example`,
  `/\u0085/evil.example`,
  `/ /evil.example`.replace(" ", "\u000b"),
  `/.//evil.example`,
  `/./\\evil.example`,
  `/a/../..//evil.example`,
  `//evil.example@casebook.test`,
  `//casebook.test@evil.example`,
  `https://evil.example`,
  `http:evil.example`,
  `https:/evil.example`,
  `javascript:alert(document.domain)`,
  `data:text/html,<script>alert(1)</script>`,
  `evil.example`,
  ` /evil.example`,
  `//evil%2Eexample`,
  `//%65vil.example`,
  ``,
] as const;

/** Targets on this site that must survive the check unchanged. */
export const LOCAL_TARGETS = ["/", "/cases/the-lockout", "/cases/the-lockout?sort=newest#positions", "/me?welcome=1", "/%09/evil.example", "/%2F%2Fevil.example", "/@evil.example"] as const;

/** Big enough to stress parsers: 1 MB fields. */
export const ONE_MB = "A".repeat(1024 * 1024);
const BIG = [ONE_MB, `<script>__xss=1</script>`.repeat(40_000), "\u00e9".repeat(512 * 1024)];

export const CORPUS: readonly HostileInput[] = [
  ...SHORT_XSS.map((value) => ({ kind: "xss", value })),
  ...MARKDOWN_XSS.split("\n\n").map((value) => ({ kind: "xss-markdown", value })),
  { kind: "xss-markdown", value: MARKDOWN_XSS },
  ...EXPORT_STRUCTURE.map((value) => ({ kind: "export-markdown", value })),
  ...SQL.map((value) => ({ kind: "sql", value })),
  ...TRAVERSAL.map((value) => ({ kind: "traversal", value })),
  ...NUMBERS.map((value) => ({ kind: "number", value })),
  ...UNICODE.map((value) => ({ kind: "unicode", value })),
  ...JOIN_CODES.map((value) => ({ kind: "join-code", value })),
  ...YAML.map((value) => ({ kind: "yaml", value })),
  ...OTHER.map((value) => ({ kind: "other", value })),
  ...BIG.map((value) => ({ kind: "oversized", value })),
  ...MARKDOWN_DEPTH.map((value) => ({ kind: "markdown-depth", value })),
  // A few of each spelling: every input goes to every field of every target, and the full list is
  // checked against the real login in redirects.test.ts and against safeRedirectTarget in unit tests.
  ...["/\t/evil.example/path", "/\\evil.example/path", "//evil.example/path", "/.//evil.example", "/\r\n/evil.example", "javascript:alert(document.domain)"].map((value) => ({ kind: "url", value })),
];

/** Whole request bodies no form would send: broken encodings, wrong content types, absurd shapes. */
export interface RawBody {
  name: string;
  contentType: string;
  body: Buffer;
  /** Sent with Transfer-Encoding: chunked and no Content-Length, so only counting the bytes read can cap it. */
  chunked?: true;
}

const CRLF = "\r\n";
function multipart(boundary: string, parts: string[]): Buffer {
  return Buffer.from(parts.map((p) => `--${boundary}${CRLF}${p}`).join(CRLF) + `${CRLF}--${boundary}--${CRLF}`, "latin1");
}

export const RAW_BODIES: readonly RawBody[] = [
  {
    name: "invalid UTF-8 bytes",
    contentType: "application/x-www-form-urlencoded",
    body: Buffer.from([0x69, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x3d, 0xff, 0xfe, 0xc3, 0x28, 0x26, 0x62, 0x6f, 0x64, 0x79, 0x3d, 0xe2, 0x82, 0x28, 0xf0, 0x28, 0x8c, 0xbc]),
  },
  { name: "invalid UTF-8 percent-encoded", contentType: "application/x-www-form-urlencoded", body: Buffer.from("intent=%FF%FE&body=%C3%28%E2%82%28&displayName=%ED%A0%80&email=%C0%AF") },
  {
    name: "overlong and surrogate UTF-8",
    contentType: "application/x-www-form-urlencoded; charset=utf-8",
    body: Buffer.from([0x62, 0x6f, 0x64, 0x79, 0x3d, 0xc0, 0xaf, 0xed, 0xa0, 0x80, 0xf4, 0x90, 0x80, 0x80]),
  },
  { name: "NUL bytes everywhere", contentType: "application/x-www-form-urlencoded", body: Buffer.from("intent\u0000=a\u0000b&body=\u0000&\u0000=\u0000", "utf8") },
  { name: "a JSON body", contentType: "application/json", body: Buffer.from(JSON.stringify({ intent: "argument", body: ["x"], email: { $gt: "" }, __proto__: { admin: true } })) },
  { name: "an XML body", contentType: "application/xml", body: Buffer.from(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>`) },
  { name: "plain text", contentType: "text/plain", body: Buffer.from("intent=argument&body=hello") },
  { name: "no content type", contentType: "", body: Buffer.from("intent=argument&body=hello") },
  { name: "an empty body", contentType: "application/x-www-form-urlencoded", body: Buffer.alloc(0) },
  { name: "only separators", contentType: "application/x-www-form-urlencoded", body: Buffer.from("&&&===&&&") },
  { name: "10,000 fields", contentType: "application/x-www-form-urlencoded", body: Buffer.from(Array.from({ length: 10_000 }, (_, i) => `f${i}=${i}`).join("&")) },
  { name: "10,000 copies of one field", contentType: "application/x-www-form-urlencoded", body: Buffer.from(Array.from({ length: 10_000 }, () => "intent=x").join("&")) },
  { name: "a 1 MB field name", contentType: "application/x-www-form-urlencoded", body: Buffer.from(`${"k".repeat(1024 * 1024)}=v`) },
  { name: "a 1 MB body of percent signs", contentType: "application/x-www-form-urlencoded", body: Buffer.from("body=" + "%".repeat(1024 * 1024)) },
  { name: "multipart without a boundary", contentType: "multipart/form-data", body: Buffer.from('--x\r\nContent-Disposition: form-data; name="intent"\r\n\r\nargument\r\n--x--\r\n') },
  { name: "multipart with a wrong boundary", contentType: "multipart/form-data; boundary=zzz", body: multipart("aaa", [`Content-Disposition: form-data; name="intent"${CRLF}${CRLF}argument`]) },
  {
    name: "truncated multipart",
    contentType: "multipart/form-data; boundary=b",
    body: Buffer.from(`--b${CRLF}Content-Disposition: form-data; name="file"; filename="x.md"${CRLF}${CRLF}---\nslug: x`),
  },
  {
    name: "multipart with a file where text is expected",
    contentType: "multipart/form-data; boundary=b",
    body: multipart("b", [
      `Content-Disposition: form-data; name="intent"${CRLF}${CRLF}argument`,
      `Content-Disposition: form-data; name="body"; filename="body.txt"${CRLF}Content-Type: text/plain${CRLF}${CRLF}hello`,
      `Content-Disposition: form-data; name="email"; filename="../../etc/passwd"${CRLF}Content-Type: application/octet-stream${CRLF}${CRLF}\u0000\u0001`,
      `Content-Disposition: form-data; name="displayName"; filename="x"${CRLF}${CRLF}x`,
      `Content-Disposition: form-data; name="code"; filename="x"${CRLF}${CRLF}ABCDEF`,
    ]),
  },
  {
    name: "multipart with invalid UTF-8 names",
    contentType: "multipart/form-data; boundary=b",
    body: Buffer.concat([
      Buffer.from(`--b${CRLF}Content-Disposition: form-data; name="`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(`"${CRLF}${CRLF}`),
      Buffer.from([0xc3, 0x28]),
      Buffer.from(`${CRLF}--b--${CRLF}`),
    ]),
  },
  { name: "gzip claimed but not gzip", contentType: "application/x-www-form-urlencoded", body: Buffer.from("intent=argument") },
  { name: "a small chunked form", contentType: "application/x-www-form-urlencoded", body: Buffer.from("intent=argument&body=hello&displayName=x&code=ABCDEF"), chunked: true },
  {
    name: "a chunked multipart",
    contentType: "multipart/form-data; boundary=b",
    body: multipart("b", [`Content-Disposition: form-data; name="intent"${CRLF}${CRLF}argument`, `Content-Disposition: form-data; name="file"; filename="x.md"${CRLF}${CRLF}---\nslug: x\n---\n`]),
    chunked: true,
  },
  { name: "a chunked 3 MB form, over every cap", contentType: "application/x-www-form-urlencoded", body: Buffer.from("body=" + "a".repeat(3 * 1024 * 1024)), chunked: true },
  { name: "an empty chunked body", contentType: "application/x-www-form-urlencoded", body: Buffer.alloc(0), chunked: true },
];

/**
 * Case files for POST /cases/upload: each must be refused with a message, never a crash. Those
 * with `refusedAt` must be refused with a problem at that line (`name:line: field: message`)
 * whose message contains `message`: they are valid but for their Markdown body.
 */
export function hostileCaseFiles(): { name: string; content: Buffer; refusedAt?: { line: number; message: string } }[] {
  const front = (extra: string) =>
    `---\nslug: hostile-upload\ntitle: Hostile\nsummary: A hostile file.\nperspectives:\n  employee:\n    prompt: What?\n    options: [A, B]\n  employer:\n    prompt: What?\n    options: [A, B]\njudgement: Right?\ndiscussion: [Why?]\n${extra}---\n\n## Stage: One\n\nText.\n`;
  /** A valid file whose body ends with `markdown`, refused at `lineInMarkdown` of it (1-based). */
  const body = (name: string, markdown: string, lineInMarkdown: number, message: string) => {
    const head = front("");
    return { name, content: Buffer.from(`${head}\n${markdown}\n`), refusedAt: { line: head.split("\n").length + lineInMarkdown, message } };
  };
  const indented = (levels: number) => Array.from({ length: levels }, (_, i) => `${"  ".repeat(i)}- level ${i + 1}`).join("\n");
  const laughs = ['lol: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 0; i < 9; i += 1)
    laughs.push(
      `l${i}: &${String.fromCharCode(98 + i)} [${Array(9)
        .fill(`*${String.fromCharCode(97 + i)}`)
        .join(",")}]`,
    );
  return [
    { name: "billion-laughs.md", content: Buffer.from(front(laughs.join("\n") + "\n")) },
    { name: "alias-loop.md", content: Buffer.from(front("x: &x\n  y: *x\n")) },
    { name: "deep-nesting.md", content: Buffer.from(front(`deep: ${"[".repeat(50_000)}${"]".repeat(50_000)}\n`)) },
    { name: "deep-maps.md", content: Buffer.from(front(Array.from({ length: 3000 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n") + " v\n")) },
    { name: "huge-yaml.md", content: Buffer.from(front(`big: "${"y".repeat(190_000)}"\n`)) },
    { name: "over-200kb.md", content: Buffer.from(front(`big: "${"y".repeat(300_000)}"\n`)) },
    { name: "one-megabyte.md", content: Buffer.from(front(`big: "${ONE_MB}"\n`)) },
    { name: "many-keys.md", content: Buffer.from(front(Array.from({ length: 20_000 }, (_, i) => `k${i}: ${i}`).join("\n") + "\n")) },
    { name: "js-tags.md", content: Buffer.from(front(`fn: !!js/function "function () { return process.exit(1) }"\nre: !!js/regexp /x/\nu: !!js/undefined ''\n`)) },
    { name: "python-tag.md", content: Buffer.from(front(`p: !!python/object/apply:os.system ["id"]\n`)) },
    { name: "binary.md", content: Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0xfd, 0x80, 0x81]) },
    { name: "invalid-utf8.md", content: Buffer.concat([Buffer.from("---\nslug: "), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from("\n---\n")]) },
    { name: "bom-and-crlf.md", content: Buffer.from("\uFEFF" + front("").replace(/\n/g, "\r\n")) },
    { name: "../../etc/passwd", content: Buffer.from(front("")) },
    { name: "traversal-slug.md", content: Buffer.from(front("").replace("slug: hostile-upload", "slug: ../../etc/passwd")) },
    { name: "reserved-slug.md", content: Buffer.from(front("").replace("slug: hostile-upload", "slug: new")) },
    { name: "duplicate-keys.md", content: Buffer.from(front("title: Again\n")) },
    { name: "no-front-matter.md", content: Buffer.from("## Stage: One\n\nText\n") },
    { name: "unterminated.md", content: Buffer.from("---\nslug: x\n") },
    { name: "empty-front-matter.md", content: Buffer.from("---\n---\n") },
    {
      name: "wrong-types.md",
      content: Buffer.from(front("").replace("options: [A, B]", "options: 42").replace("discussion: [Why?]", "discussion: {a: 1}").replace("title: Hostile", "title: [1, 2]")),
    },
    { name: "many-stages.md", content: Buffer.from(front("") + Array.from({ length: 5000 }, (_, i) => `## Stage: S${i}\n\nT\n`).join("\n")) },
    { name: "script-everywhere.md", content: Buffer.from(front("").replace("title: Hostile", `title: "${SHORT_XSS[0]}"`) + "\n" + MARKDOWN_XSS + "\n") },
    { name: "a".repeat(5000) + ".md", content: Buffer.from(front("")) },
    body("deep-blockquote.md", `Fine.\n\n${">".repeat(5000)} deep`, 3, "nests block quotes (>), lists or indentation 5000 levels deep"),
    body("deep-blockquote-spaced.md", `${"> ".repeat(3000)}deep`, 1, "3000 levels deep"),
    body("deep-list-markers.md", `${"1. ".repeat(20_000)}deep`, 1, "20000 levels deep"),
    body("deep-list-indentation.md", indented(300), 17, "17 levels deep"),
    body("deep-quote-and-list.md", `${"> - ".repeat(2000)}deep`, 1, "4000 levels deep"),
    body("deep-table-in-quotes.md", `${">".repeat(3000)} | a | b |\n${">".repeat(3000)} |---|---|`, 1, "3000 levels deep"),
    body("deep-emphasis.md", `${"*".repeat(30_000)}deep${"*".repeat(30_000)}`, 1, "emphasis markers (* _ ~) more than 16 levels deep"),
    body("emphasis-runs.md", "**a".repeat(50_000), 1, "more than 1000 emphasis markers"),
    body("deep-brackets.md", `${"[".repeat(50_000)}deep`, 1, "brackets ([ ]) more than 16 levels deep"),
    body("deep-html.md", `${"<span>".repeat(20_000)}deep`, 1, "HTML tags more than 16 levels deep"),
    body("notes-as-h4.md", "#### Facilitator notes\n\nWho said what.", 1, '"Facilitator notes" is a level-4 heading'),
    body("notes-as-h1-setext.md", "Facilitator notes\n=================\n\nWho said what.", 1, '"Facilitator notes" is a level-1 heading'),
    body("notes-in-quote.md", "> ## Facilitator notes\n>\n> Who said what.", 1, '"Facilitator notes" is a heading inside a block quote or list'),
    body("sources-as-html.md", "<h2>Sources</h2>\n\nA book.", 1, '"Sources" is an HTML <h2> heading'),
    body("notes-entity-space.md", "### Facilitator&#32;notes\n\nWho said what.", 1, '"Facilitator notes" is a heading in the text as the page displays it'),
    body("sources-in-table-cell.md", "| Column |\n|---|\n| <h3>Sources</h3> |\n\nA book.", 3, '"Sources" is a heading in the text as the page displays it'),
  ];
}
