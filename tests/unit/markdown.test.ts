import { describe, expect, it } from "vitest";
import { renderMarkdown } from "../../app/domain/markdown";

describe("renderMarkdown", () => {
  it("renders ordinary Markdown formatting", () => {
    const html = renderMarkdown("Some **bold** and *soft* words.\n\n- one\n- two");
    expect(html).toContain("<strong>bold</strong>");
    expect(html).toContain("<em>soft</em>");
    expect(html).toContain("<li>one</li>");
  });

  it("drops script tags and their content", () => {
    const html = renderMarkdown("Hello <script>alert(1)</script> world");
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain("alert(1)");
  });

  it("removes event-handler attributes from raw HTML", () => {
    const html = renderMarkdown('<img src="x" onerror="alert(1)"> <a href="https://example.com" onclick="steal()">x</a>');
    expect(html).not.toMatch(/onerror|onclick|<img/i);
  });

  it("neutralises javascript: and data: links", () => {
    for (const href of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)"]) {
      const html = renderMarkdown(`[click](${href})`);
      expect(html).not.toMatch(/href="(javascript|data|vbscript):/i);
    }
  });

  it("keeps http(s) and mailto links and marks them nofollow", () => {
    const html = renderMarkdown("[site](https://example.com) [mail](mailto:a@example.com)");
    expect(html).toContain('href="https://example.com"');
    expect(html).toContain('href="mailto:a@example.com"');
    expect(html).toContain('rel="nofollow noopener noreferrer"');
  });

  it("demotes top-level headings below the page's own", () => {
    expect(renderMarkdown("# Big")).toBe("<h3>Big</h3>\n");
  });

  it("strips iframes, styles and forms", () => {
    const html = renderMarkdown('<iframe src="https://evil.example"></iframe><style>body{display:none}</style><form action="/x"><input></form>');
    expect(html).not.toMatch(/<iframe|<style|<form|<input/i);
  });
});

describe("markdownPlainText (excerpts on /me, issue 16)", () => {
  it("keeps the words and drops the marks", async () => {
    const { markdownPlainText } = await import("../../app/domain/markdown");
    expect(markdownPlainText("# Title\n\n**bold** and _it_ [a link](https://x.test) `code`\n\n- one\n- two\n\n> quoted <b>html</b>")).toBe("Title bold and it a link code one two quoted html");
    expect(markdownPlainText("| a | b |\n|---|---|\n| c | d |")).toBe("a b c d");
    expect(markdownPlainText("<script>alert(1)</script>plain")).not.toContain("<script>");
  });
});
