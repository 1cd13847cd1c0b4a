import { placeByPath, type Placement } from '../formats/nginx/context';
import { resolveIncludes, type IncludeGraph, type IncludeSite } from '../formats/nginx/includes';
import type { NginxFile } from '../formats/nginx/model';
import { parseNginx } from '../formats/nginx/parser';
import type { NginxContext } from '../knowledge/types';
import type { FileAccess, ReadFailure } from '../model/file-access';
import type { ParsedDocument } from './document';

type Parsed = NginxFile | { readonly reason: ReadFailure; readonly message: string };

/** Folders whose files nginx reads relative to the configuration prefix one level up. */
const PREFIX_CHILDREN = new Set(['conf.d', 'sites-available', 'sites-enabled', 'snippets', 'modules-enabled', 'modules-available']);

/**
 * The nginx side of one run: every nginx document's include graph and the context each
 * file is read in. Built on first use and kept for the run; files reached only through
 * includes are read through FileAccess once and parsed once.
 */
export class NginxView {
  private readonly parsed = new Map<string, Parsed>();
  private readonly graphs = new Map<string, IncludeGraph>();
  private placements: Map<string, Placement> | undefined;
  /** Include sites by the file holding them, then by the directive's offset. */
  private sitesByFile: Map<string, Map<number, IncludeSite>> | undefined;

  constructor(
    private readonly documents: readonly ParsedDocument[],
    private readonly files: FileAccess,
    private readonly allowedIn: (name: string) => readonly NginxContext[],
  ) {
    for (const document of documents) if (document.nginx) this.parsed.set(document.path, document.nginx);
  }

  private loads: boolean | undefined;

  /** Whether any nginx file of the run loads a module by name: its directives are beyond any table. */
  get loadsModules(): boolean {
    this.loads ??= this.documents.some((document) => document.nginx?.directives.some((directive) => directive.name === 'load_module') === true);
    return this.loads;
  }

  /** The includes reached from a document, taken as the root of a configuration. */
  graph(document: ParsedDocument): IncludeGraph {
    let graph = this.graphs.get(document.path);
    if (!graph) {
      graph = resolveIncludes(document.path, document.nginx!, {
        prefix: configurationPrefix(document.path),
        files: this.files,
        parse: (path) => this.parse(path),
      });
      this.graphs.set(document.path, graph);
    }
    return graph;
  }

  /**
   * The include directives of one file as every root of the run resolved them: a loop is
   * found from whichever file it is entered, but belongs to the include that closes it.
   */
  sitesIn(document: ParsedDocument): IncludeSite[] {
    // Indexed once per run: asking every root's graph for each document was quadratic
    // (10,000 included files, each a document: over 40 s).
    this.sitesByFile ??= this.indexSites();
    return [...(this.sitesByFile.get(document.path)?.values() ?? [])];
  }

  private indexSites(): Map<string, Map<number, IncludeSite>> {
    const byFile = new Map<string, Map<number, IncludeSite>>();
    for (const root of this.documents) {
      if (!root.nginx) continue;
      for (const site of this.graph(root).sites) {
        let sites = byFile.get(site.file);
        if (!sites) byFile.set(site.file, (sites = new Map()));
        const known = sites.get(site.directive.span.start);
        // Keep the resolution that found the most problems; they differ only by the root's context.
        if (!known || site.failures.length > known.failures.length) sites.set(site.directive.span.start, site);
      }
    }
    return byFile;
  }

  /** Where a document's top level sits: where a main file of the run includes it, else guessed from its path. */
  placement(document: ParsedDocument): Placement {
    if (!this.placements) this.placements = this.placeIncludedFiles();
    let placement = this.placements.get(document.path);
    if (!placement) {
      placement = placeByPath(document.path, document.nginx!, this.allowedIn);
      this.placements.set(document.path, placement);
    }
    return placement;
  }

  private placeIncludedFiles(): Map<string, Placement> {
    const placements = new Map<string, Placement>();
    for (const document of this.documents) {
      if (!document.nginx || placeByPath(document.path, document.nginx, this.allowedIn).chain.length > 0) continue;
      const graph = this.graph(document);
      for (const site of graph.sites) {
        for (const target of site.targets) {
          if (placements.has(target) || target === document.path) continue;
          const line = document.source.positionAt(site.directive.span.start).line + 1;
          const where = site.file === document.path ? `${baseName(document.path)}:${line}` : baseName(site.file);
          placements.set(target, { chain: site.context, reason: `included from ${where}${site.context.length > 0 ? ` inside ${site.context.join(' > ')}` : ''}` });
        }
      }
    }
    return placements;
  }

  private parse(path: string): Parsed {
    let parsed = this.parsed.get(path);
    if (!parsed) {
      const read = this.files.read(path);
      parsed = read.ok ? parseNginx(read.text) : { reason: read.reason, message: read.message };
      this.parsed.set(path, parsed);
    }
    return parsed;
  }
}

/**
 * nginx resolves relative includes against its configuration prefix (/etc/nginx on
 * Debian). A file in sites-enabled/ or conf.d/ sits one level below it; any other file is
 * taken to sit in it.
 */
export function configurationPrefix(path: string): string {
  const parts = path.split('/');
  parts.pop();
  if (PREFIX_CHILDREN.has(parts[parts.length - 1] ?? '')) parts.pop();
  return parts.join('/') || '/';
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
