// The evidence pack: the chat transcript, the receipt and the written evidence as one PDF, set in
// Noto Sans SC (Latin, Chinese and more) so it reads in the customer's language. pdf-lib writes
// it; fontkit subsets the font to the glyphs used, which keeps a pack in the tens of KB.
import fontkit from "@pdf-lib/fontkit";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { PDFDocument, type PDFFont, rgb } from "pdf-lib";

export interface EvidencePackSection {
  heading: string;
  /** Label/value rows (a label of "" prints the value alone). */
  rows: { label: string; value: string }[];
}

export interface EvidencePack {
  title: string;
  subtitle: string;
  sections: EvidencePackSection[];
}

const FONT_PATH = path.join(
  process.cwd(),
  "node_modules/@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf",
);
let fontBytes: Promise<Buffer> | undefined;
function loadFont(): Promise<Buffer> {
  fontBytes ??= readFile(FONT_PATH).catch((error: unknown) => {
    fontBytes = undefined;
    throw error;
  });
  return fontBytes;
}

const PAGE = { width: 595, height: 842, margin: 48 }; // A4 in points
const SIZE = { title: 16, heading: 12, body: 10 };
const LEADING = 1.45;

// Breaks a paragraph to fit `width`: at spaces where there are some, anywhere in CJK text.
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.replace(/\r\n?/g, "\n").split("\n")) {
    let line = "";
    const tokens = paragraph.match(
      /[\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF00-\uFFEF]|\S+\s*|\s+/gu,
    ) ?? [""];
    for (const token of tokens) {
      const candidate = line + token;
      if (font.widthOfTextAtSize(candidate.trimEnd(), size) <= width) {
        line = candidate;
        continue;
      }
      if (line.trim()) out.push(line.trimEnd());
      line = token.trimStart();
      // A single word wider than the line is cut by characters.
      while (font.widthOfTextAtSize(line, size) > width && line.length > 1) {
        let cut = line.length - 1;
        while (cut > 1 && font.widthOfTextAtSize(line.slice(0, cut), size) > width) cut--;
        out.push(line.slice(0, cut));
        line = line.slice(cut);
      }
    }
    out.push(line.trimEnd());
  }
  return out;
}

// Characters the font cannot draw (emoji, rare scripts) become "?" rather than failing the pack.
function drawable(supported: Set<number>, text: string): string {
  return Array.from(text, (ch) =>
    ch === "\n" || supported.has(ch.codePointAt(0)!) ? ch : "?",
  ).join("");
}

export async function renderEvidencePack(pack: EvidencePack): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const font = await pdf.embedFont(await loadFont(), { subset: true });
  const supported = new Set(font.getCharacterSet());
  pdf.setTitle(pack.title);
  pdf.setProducer("Parley");
  pdf.setCreator("Parley");

  const contentWidth = PAGE.width - 2 * PAGE.margin;
  let page = pdf.addPage([PAGE.width, PAGE.height]);
  let y = PAGE.height - PAGE.margin;
  const ensure = (height: number) => {
    if (y - height >= PAGE.margin) return;
    page = pdf.addPage([PAGE.width, PAGE.height]);
    y = PAGE.height - PAGE.margin;
  };
  const write = (text: string, size: number, opts: { indent?: number; grey?: boolean } = {}) => {
    const indent = opts.indent ?? 0;
    for (const line of wrap(drawable(supported, text), font, size, contentWidth - indent)) {
      ensure(size * LEADING);
      y -= size * LEADING;
      page.drawText(line, {
        x: PAGE.margin + indent,
        y,
        size,
        font,
        color: opts.grey ? rgb(0.35, 0.38, 0.45) : rgb(0.06, 0.09, 0.16),
      });
    }
  };

  write(pack.title, SIZE.title);
  write(pack.subtitle, SIZE.body, { grey: true });
  for (const section of pack.sections) {
    y -= SIZE.body;
    ensure(SIZE.heading * LEADING * 2);
    write(section.heading, SIZE.heading);
    for (const row of section.rows) {
      if (row.label) write(row.label, SIZE.body, { grey: true });
      write(row.value || "—", SIZE.body, { indent: row.label ? 12 : 0 });
    }
  }
  return pdf.save();
}
