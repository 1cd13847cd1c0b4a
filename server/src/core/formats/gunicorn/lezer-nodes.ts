import { Tree, TreeBuffer, type SyntaxNode } from '@lezer/common';

export function childNodes(node: SyntaxNode): SyntaxNode[] {
  const children: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) children.push(child);
  return children;
}

/**
 * Whether a syntax tree holds nodes of no type of its grammar. @lezer/lr 1.4.12 builds such
 * trees for Python with brackets left open about 1,300 deep around multi-line strings
 * (`("""⏎` 2,705 times, 13 KB): walking one throws a TypeError inside @lezer/common. Python
 * itself refuses more than 200 nested brackets, so such a file is broken anyway. Checked
 * only after a walk has thrown: it visits every node.
 */
export function hasInvalidNodeTypes(tree: Tree): boolean {
  const pending: (Tree | TreeBuffer)[] = [tree];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node instanceof TreeBuffer) {
      const types = node.set.types;
      // A buffer holds four numbers per node, the first its type id.
      for (let index = 0; index < node.buffer.length; index += 4) if (types[node.buffer[index]!] === undefined) return true;
    } else if (node instanceof Tree) {
      if (!node.type) return true;
      pending.push(...node.children);
    }
  }
  return false;
}

/**
 * Whether an error is the stack running out. @lezer/common builds and copies trees
 * recursively, one call per level of nesting: 100,000 nested brackets overflow the stack,
 * or not, depending on how deep the caller already is.
 */
export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

/**
 * Parses Python and reads the tree, or gives `unreadable()` when the parser cannot build a
 * usable tree (the stack overflows, or the tree holds invalid node types). Any other error
 * is a bug of the reader and is thrown.
 */
export function readPython<T>(parse: () => Tree, read: (tree: Tree) => T, unreadable: () => T): T {
  let tree: Tree;
  try {
    tree = parse();
  } catch (error) {
    if (isStackOverflow(error)) return unreadable();
    throw error;
  }
  try {
    return read(tree);
  } catch (error) {
    if (isStackOverflow(error) || hasInvalidNodeTypes(tree)) return unreadable();
    throw error;
  }
}

/** What a reader of Python reports when the syntax tree cannot be built or walked (see readPython). */
export const UNREADABLE_PYTHON = 'deploylint cannot read this file: brackets are nested too deeply (Python itself refuses more than 200 levels)';
