import { describe, expect, it } from "vitest";
import { clientNavigationPath, type LinkClick } from "~/domain/link-clicks";

const plain: LinkClick = { button: 0, metaKey: false, altKey: false, ctrlKey: false, shiftKey: false, defaultPrevented: false, target: null, download: false, href: "/?tag=hiring" };

describe("clientNavigationPath (react-router's rule for <Link> clicks)", () => {
  it("navigates on the client for a plain primary click on a path of this site", () => {
    expect(clientNavigationPath(plain)).toBe("/?tag=hiring");
    expect(clientNavigationPath({ ...plain, href: "/cases/background-check" })).toBe("/cases/background-check");
    expect(clientNavigationPath({ ...plain, target: "_self" })).toBe("/?tag=hiring");
    expect(clientNavigationPath({ ...plain, target: "" })).toBe("/?tag=hiring");
  });

  it("leaves modified clicks, other buttons and handled clicks to the browser", () => {
    for (const key of ["metaKey", "altKey", "ctrlKey", "shiftKey"] as const) expect(clientNavigationPath({ ...plain, [key]: true })).toBeNull();
    expect(clientNavigationPath({ ...plain, button: 1 })).toBeNull();
    expect(clientNavigationPath({ ...plain, button: 2 })).toBeNull();
    expect(clientNavigationPath({ ...plain, defaultPrevented: true })).toBeNull();
  });

  it("leaves other targets, downloads and anything not a path on this site to the browser", () => {
    expect(clientNavigationPath({ ...plain, target: "_blank" })).toBeNull();
    expect(clientNavigationPath({ ...plain, download: true })).toBeNull();
    expect(clientNavigationPath({ ...plain, href: null })).toBeNull();
    expect(clientNavigationPath({ ...plain, href: "https://example.com/" })).toBeNull();
    expect(clientNavigationPath({ ...plain, href: "//example.com/" })).toBeNull();
    expect(clientNavigationPath({ ...plain, href: "/\\example.com/" })).toBeNull();
    expect(clientNavigationPath({ ...plain, href: "#main" })).toBeNull();
    expect(clientNavigationPath({ ...plain, href: "mailto:a@b.test" })).toBeNull();
  });
});
