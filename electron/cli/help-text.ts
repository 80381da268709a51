/**
 * Help text is read in a terminal: a sentence shared with the app (the glossary's lines) is
 * folded at word boundaries to the width the rest of the help is written at.
 */
const HELP_WIDTH = 96;

export function foldedParagraph(text: string, width = HELP_WIDTH): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.join('\n');
}
