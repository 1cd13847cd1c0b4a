/**
 * Reads the `<varlistentry>` entries of a DocBook man page (systemd writes its man pages in
 * DocBook XML): the option names each entry documents, the HTML anchor systemd's own
 * stylesheet (man/custom-html.xsl) gives it, the release an "Added in version N" note names,
 * and the entry's own prose (nested entries left out) so a caller can look for words such
 * as "deprecated". Used by schemas/scripts/systemd.ts; it reads text and returns data.
 *
 * How the stylesheet names an entry, which decides the links we write: only the first
 * `<term>` gets an id, made of that term's text with `<optional>` rendered as brackets and
 * whitespace collapsed ("ExecStartPre=", "MemoryMax=bytes", "LoadCredential=ID[:PATH]").
 * Every other term of the entry shares that id. When an earlier section title or first
 * term has the same text, the stylesheet appends how many there were ("Foo=1").
 */

export interface DocbookEntry {
  /** Keys the terms name, without "=" (a term may name several: "MemoryMin=, MemoryLow="). */
  readonly names: readonly string[];
  /** The id of the entry in the HTML systemd publishes (not URL-encoded). */
  readonly anchor: string;
  /** Release of the `version-info.xml` include directly in this entry, e.g. "254". */
  readonly added?: string;
  /** Text of the entry's own paragraphs, markup removed, nested entries left out. */
  readonly text: string;
  /** Keys its own paragraphs name (`<varname>Foo=</varname>`), without "=". */
  readonly mentions: readonly string[];
  /** Titles of the refsect1/refsect2 sections that contain the entry, outermost first. */
  readonly sections: readonly string[];
}

interface OpenEntry {
  readonly names: string[];
  readonly mentions: string[];
  termCount: number;
  anchor?: string;
  added?: string;
  text: string;
  readonly sections: readonly string[];
}

interface OpenTerm {
  readonly entry: OpenEntry;
  readonly first: boolean;
  /** XPath string value: every text node, as written. */
  plain: string;
  /** The text the stylesheet turns into the id: brackets for <optional>. */
  rendered: string;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, name: string) => {
    if (name.startsWith('#x')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return ENTITIES[name] ?? whole;
  });
}

const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Every varlistentry of one DocBook document, in document order. */
export function docbookEntries(xml: string): DocbookEntry[] {
  const entries: DocbookEntry[] = [];
  // Texts an id may collide with, in document order: section titles and first terms.
  const idSources: string[] = [];
  const elements: string[] = [];
  const openEntries: OpenEntry[] = [];
  const sectionTitles: string[] = [];
  let title: { text: string; depth: number } | undefined;
  let term: OpenTerm | undefined;
  let varname: { text: string } | undefined;

  const tokens = /<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<![^>]*>|<\?[\s\S]*?\?>|<(\/?)([\w:.-]+)([^>]*?)(\/?)>|([^<]+)/g;
  for (const token of xml.matchAll(tokens)) {
    const [whole, cdata, closing, tagName, attributes, selfClosing, rawText] = token;
    const text = cdata ?? (rawText !== undefined ? decodeEntities(rawText) : undefined);
    if (text !== undefined) {
      if (title) title.text += text;
      if (term) {
        term.plain += text;
        term.rendered += text;
      }
      if (varname) varname.text += text;
      const entry = openEntries[openEntries.length - 1];
      if (entry && !term) entry.text += text;
      continue;
    }
    if (!tagName || whole.startsWith('<!--')) continue;
    const parent = elements[elements.length - 1];

    if (closing) {
      elements.pop();
      if (tagName === 'title' && title && title.depth === elements.length) {
        idSources.push(title.text);
        sectionTitles[sectionTitles.length - 1] = collapse(title.text);
        title = undefined;
      } else if (tagName === 'refsect1' || tagName === 'refsect2') {
        sectionTitles.pop();
      } else if (tagName === 'varname' && varname) {
        const key = /^([A-Z][A-Za-z0-9]*)=/.exec(collapse(varname.text));
        const entry = openEntries[openEntries.length - 1];
        if (key && term && !term.entry.names.includes(key[1]!)) term.entry.names.push(key[1]!);
        else if (key && !term && entry && !entry.mentions.includes(key[1]!)) entry.mentions.push(key[1]!);
        varname = undefined;
      } else if (tagName === 'optional' && term) {
        term.rendered += ']';
      } else if (tagName === 'term' && term) {
        if (term.first) {
          const collisions = idSources.filter((source) => source === term!.plain).length;
          term.entry.anchor = collapse(term.rendered) + (collisions > 0 ? String(collisions) : '');
          idSources.push(term.plain);
        }
        term = undefined;
      } else if (tagName === 'varlistentry') {
        const entry = openEntries.pop();
        if (entry && entry.anchor !== undefined) {
          entries.push({
            names: entry.names,
            anchor: entry.anchor,
            ...(entry.added ? { added: entry.added } : {}),
            text: collapse(entry.text),
            mentions: entry.mentions,
            sections: entry.sections,
          });
        }
      }
      continue;
    }

    if (tagName === 'xi:include') {
      const pointer = /xpointer="v(\d+)"/.exec(attributes ?? '');
      const entry = openEntries[openEntries.length - 1];
      if (pointer && /href="version-info\.xml"/.test(attributes ?? '') && entry && !entry.added) entry.added = pointer[1];
    }
    if (selfClosing) continue;
    elements.push(tagName);
    if (tagName === 'title' && (parent === 'refsect1' || parent === 'refsect2')) {
      title = { text: '', depth: elements.length - 1 };
    } else if (tagName === 'refsect1' || tagName === 'refsect2') {
      sectionTitles.push('');
    } else if (tagName === 'varlistentry') {
      openEntries.push({ names: [], mentions: [], termCount: 0, text: '', sections: sectionTitles.filter((name) => name !== '') });
    } else if (tagName === 'term' && parent === 'varlistentry') {
      const entry = openEntries[openEntries.length - 1]!;
      term = { entry, first: entry.termCount === 0, plain: '', rendered: '' };
      entry.termCount++;
    } else if (tagName === 'varname' && (term || openEntries.length > 0)) {
      varname = { text: '' };
    } else if (tagName === 'optional' && term) {
      term.rendered += '[';
    }
  }
  return entries;
}

/** The anchor as it goes after "#" in a link: spaces and brackets escaped, "=" ":" "," kept. */
export function anchorFragment(anchor: string): string {
  return anchor.replace(/[^A-Za-z0-9=:,._~!$&'()*+;@/?-]/g, (character) =>
    [...new TextEncoder().encode(character)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}
