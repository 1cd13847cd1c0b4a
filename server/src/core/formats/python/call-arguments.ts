import type { SyntaxNode } from '@lezer/common';
import { childNodes } from '../gunicorn/lezer-nodes';

/** One argument of a call as written: positional, `name=value`, `*args` or `**kwargs`. */
export interface CallArgument {
  readonly name?: string;
  readonly star?: '*' | '**';
  readonly value: SyntaxNode;
}

/** The arguments of a call's ArgList node, in order. */
export function callArguments(argList: SyntaxNode, text: string): CallArgument[] {
  return bracketedGroups(argList, ['(', ')']).flatMap((group): CallArgument[] => {
    const [first, second, third] = group;
    if (!first) return [];
    if ((first.name === '*' || first.name === '**') && second) return [{ star: first.name, value: second }];
    if (first.name === 'VariableName' && second?.name === 'AssignOp' && third) return [{ name: text.slice(first.from, first.to), value: third }];
    return [{ value: first }];
  });
}

/** The argument a parameter receives: by keyword, else by its position among the positional ones. */
export function argumentFor(args: readonly CallArgument[], name: string, position: number): SyntaxNode | undefined {
  return args.find((arg) => arg.name === name)?.value ?? args.filter((arg) => !arg.name && !arg.star)[position]?.value;
}

/** A bracketed node's children split at its commas, without the brackets (a call's arguments, a dict's entries). */
export function bracketedGroups(container: SyntaxNode, brackets: readonly string[]): SyntaxNode[][] {
  const groups: SyntaxNode[][] = [[]];
  for (const child of childNodes(container)) {
    if (brackets.includes(child.name)) continue;
    if (child.name === ',') groups.push([]);
    else groups.at(-1)!.push(child);
  }
  return groups.filter((group) => group.length > 0);
}
