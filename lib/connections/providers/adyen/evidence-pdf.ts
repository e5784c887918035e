// Renders a merchant's written statement as a plain PDF. Adyen's Disputes API takes defense
// documents only (PDF, JPEG, TIFF), no free text, so the statement travels as a document.
const PAGE_WIDTH = 595; // A4 in points
const PAGE_HEIGHT = 842;
const MARGIN = 50;
const FONT_SIZE = 11;
const LEADING = 15;
const WRAP_AT = 90;
const LINES_PER_PAGE = Math.floor((PAGE_HEIGHT - 2 * MARGIN) / LEADING);

function wrap(text: string): string[] {
  const lines: string[] = [];
  for (const paragraph of text.replace(/\r\n?/g, "\n").split("\n")) {
    let line = "";
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      for (let rest = word; rest.length > 0;) {
        const room = line ? WRAP_AT - line.length - 1 : WRAP_AT;
        if (rest.length <= room) {
          line = line ? `${line} ${rest}` : rest;
          rest = "";
        } else if (line) {
          lines.push(line);
          line = "";
        } else {
          lines.push(rest.slice(0, WRAP_AT));
          rest = rest.slice(WRAP_AT);
        }
      }
    }
    lines.push(line);
  }
  return lines;
}

// The standard Helvetica font only covers Latin-1; anything else is shown as "?".
function pdfString(line: string): string {
  const latin1 = Array.from(line, (ch) =>
    ch.charCodeAt(0) >= 0x20 && ch.charCodeAt(0) <= 0xff && ch.length === 1 ? ch : "?",
  ).join("");
  return `(${latin1.replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

export function statementToPdf(title: string, text: string): Buffer {
  const lines = [title, "", ...wrap(text)];
  const pages: string[][] = [];
  for (let i = 0; i < lines.length; i += LINES_PER_PAGE)
    pages.push(lines.slice(i, i + LINES_PER_PAGE));

  // Objects: 1 catalog, 2 page tree, 3 font, then a (page, contents) pair per page.
  const pageIds = pages.map((_, i) => 4 + i * 2);
  const objects: string[] = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] /Count ${pages.length} >>`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
  ];
  for (const [i, pageLines] of pages.entries()) {
    const stream = [
      "BT",
      `/F1 ${FONT_SIZE} Tf`,
      `${LEADING} TL`,
      `${MARGIN} ${PAGE_HEIGHT - MARGIN} Td`,
      ...pageLines.map((line) => `${pdfString(line)} Tj T*`),
      "ET",
    ].join("\n");
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_WIDTH} ${PAGE_HEIGHT}] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageIds[i] + 1} 0 R >>`,
      `<< /Length ${Buffer.byteLength(stream, "latin1")} >>\nstream\n${stream}\nendstream`,
    );
  }

  let pdf = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(pdf, "latin1"));
    pdf += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf, "latin1");
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  pdf += offsets.map((offset) => `${String(offset).padStart(10, "0")} 00000 n \n`).join("");
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, "latin1");
}
