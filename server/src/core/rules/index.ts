import type { Rule } from '../engine/rule';
import { duplicateSetting } from './gunicorn/duplicate-setting';
import { hookSignature } from './gunicorn/hook-signature';
import { invalidValue as gunicornInvalidValue } from './gunicorn/invalid-value';
import { syntax as gunicornSyntax } from './gunicorn/syntax';
import { unknownSetting } from './gunicorn/unknown-setting';

/** Every rule, in the order their findings are produced. */
export const ALL_RULES: readonly Rule[] = [gunicornSyntax, unknownSetting, duplicateSetting, gunicornInvalidValue, hookSignature];
