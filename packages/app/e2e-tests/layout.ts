/*
 * Layout and accessibility checks shared by the e2e suites (issue 14): horizontal overflow of
 * cards, tables and scroll containers, and axe's serious/critical violations.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';

/** The viewport widths every page must fit without horizontal overflow. */
export const WIDTHS = [1280, 1440, 768];

/**
 * Every card, table paper and scroll container on the page whose content is wider than its box:
 * `scrollWidth > clientWidth` (1 px of rounding allowed). Described so a failure says where.
 */
export async function overflowingBoxes(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found: string[] = [];
    const main = document.querySelector('main') ?? document.body;
    const boxes = new Set<Element>(
      main.querySelectorAll('.MuiCard-root, .MuiPaper-root, table'),
    );
    for (const element of Array.from(main.querySelectorAll('*'))) {
      const overflowX = getComputedStyle(element).overflowX;
      if (overflowX === 'auto' || overflowX === 'scroll') boxes.add(element);
    }
    for (const box of Array.from(boxes)) {
      const { scrollWidth, clientWidth } = box as HTMLElement;
      if (clientWidth > 0 && scrollWidth > clientWidth + 1) {
        const label =
          box.querySelector('h1,h2,h3,h4,h5,h6')?.textContent ??
          box.textContent?.slice(0, 60);
        found.push(
          `${box.tagName.toLowerCase()}.${String((box as HTMLElement).className)
            .split(' ')
            .slice(0, 2)
            .join(
              '.',
            )} "${label}": scrollWidth ${scrollWidth} > clientWidth ${clientWidth}`,
        );
      }
    }
    return found;
  });
}

/** axe over one region: the serious and critical violations, as readable lines. */
export async function seriousViolations(page: Page, include: string) {
  const results = await new AxeBuilder({ page })
    .include(include)
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  return results.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(
      v =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .slice(0, 4)
          .map(
            n =>
              `${n.target.join(' ')} ${n.html.slice(0, 100)} [${(
                n.failureSummary ?? ''
              )
                .replace(/\s+/g, ' ')
                .slice(0, 160)}]`,
          )
          .join(' | ')}`,
    );
}
