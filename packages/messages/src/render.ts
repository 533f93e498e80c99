import { rulesEn } from './rules.en';
import type { FieldProblem, GapParam, ParamValue, Reason, RuleCode } from './catalog';

export type Language = 'zh' | 'en';

/**
 * Where texts come from: a dotted path into a catalog (`reasons.window_past`, `words.role.auditor`),
 * or undefined when there is none. The server reads the catalogs directly; the web passes
 * i18next's `t`, whose resources hold the same catalogs under `catalog.` (so a language switch
 * re-renders everything).
 */
export type Lookup = (path: string) => string | undefined;

export interface RenderOptions {
  /** How a time parameter reads (`{{end, time}}`); by default ISO in English, Beijing time in Chinese. */
  time?: (iso: string) => string;
}

const JOINERS = ['or', 'list', 'semicolon'] as const;
const SLOT = /\{\{\s*(\w+)\s*((?:,\s*\w+\s*)*)\}\}/g;

/** Beijing time to the minute: what documents and notices say (2026-12-06 11:08). */
export function beijingMinute(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** The renderer over one source of texts: reasons, rules and gaps in words. */
export interface Renderer {
  reason(reason: Reason): string;
  rule(code: RuleCode): string;
  gap(gap: GapParam): string;
  field(problem: FieldProblem): string;
  /** Fills a template's `{{name, modifier…}}` slots: vocabularies translate, joiners join lists. */
  fill(template: string, params: Readonly<Record<string, ParamValue>>): string;
}

export function rendererOf(lookup: Lookup, options: RenderOptions = {}): Renderer {
  const time = options.time ?? (lookup('grammar.time') === 'beijing' ? beijingMinute : (iso: string) => iso);
  // A text the source lacks reads as its code rather than failing (the catalog tests forbid gaps).
  const text = (path: string) => lookup(path) ?? path.slice(path.lastIndexOf('.') + 1);
  const renderer: Renderer = {
    reason: (r) => renderer.fill(text(`reasons.${r.code}`), r.params),
    rule: (code) => text(`rules.${code}`),
    field: (p) => renderer.fill(text(`fields.${p.code}`), p.params),
    gap: (g) =>
      renderer.fill(text('grammar.gap'), {
        section: lookup(`words.planSection.${g.section}`) ?? g.section,
        reason: text(`gaps.${g.code}`),
      }),
    fill: (template, params) =>
      template.replace(SLOT, (_, name: string, mods: string) => {
        const modifiers = mods
          .split(',')
          .map((m) => m.trim())
          .filter(Boolean);
        const value = params[name];
        if (value === undefined || value === null) return '';
        const items: unknown[] = Array.isArray(value) ? value : [value];
        const nested = modifiers.includes('gaps') || modifiers.includes('reasons');
        const texts = items.map((item) => {
          if (modifiers.includes('gaps')) return renderer.gap(item as GapParam);
          if (modifiers.includes('reasons')) return renderer.reason(item as Reason);
          if (modifiers.includes('fields')) return renderer.field(item as FieldProblem);
          let word = String(item);
          if (modifiers.includes('time')) word = time(word);
          if (modifiers.includes('rule')) word = text(`rules.${word}`);
          for (const m of modifiers) word = lookup(`words.${m}.${word}`) ?? word;
          return modifiers.includes('quoted')
            ? `${text('grammar.quoteOpen')}${word}${text('grammar.quoteClose')}`
            : word;
        });
        const joiner = nested ? 'semicolon' : (JOINERS.find((j) => modifiers.includes(j)) ?? 'list');
        return texts.join(text(`grammar.${joiner}`));
      }),
  };
  return renderer;
}

const REQUIREMENT = /^([A-Z]{2}-\d+(?:…[A-Z]{2}-\d+)?) /;

/** The requirement a rule belongs to ('RB-2'), read from its English name; null for the lifecycle's own. */
export function requirementOf(code: RuleCode): string | null {
  return REQUIREMENT.exec(rulesEn[code])?.[1] ?? null;
}

const RULE_BY_NAME = new Map<string, RuleCode>(
  Object.entries(rulesEn).map(([code, name]) => [name, code as RuleCode]),
);

/** The code of a rule the server names in English (`details.rule`), if the catalog has it. */
export const ruleCodeOf = (name: string): RuleCode | undefined => RULE_BY_NAME.get(name);

/** Whether an Accept-Language header (or a LANG value) asks for Chinese or English first. */
export function languageOf(header: string | undefined | null, fallback: Language = 'en'): Language {
  if (!header) return fallback;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag, ...rest] = part.trim().toLowerCase().split(';');
      const q = rest.map((r) => /^\s*q=([\d.]+)/.exec(r)?.[1]).find(Boolean);
      return { tag, q: q === undefined ? 1 : Number(q), index };
    })
    .filter((x) => x.tag && x.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) return 'zh';
    if (tag.startsWith('en')) return 'en';
  }
  return fallback;
}
