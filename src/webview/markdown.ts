import MarkdownIt from 'markdown-it';

/**
 * Model output is hostile: markdown-it with raw HTML disabled escapes every tag, its link validator
 * drops javascript:/vbscript:/file:/data: links, and images are rendered as their alt text plus the
 * address as text — never loaded (the CSP would block a remote image anyway).
 */
const md = new MarkdownIt({ html: false, linkify: false, breaks: false });

md.renderer.rules.image = (tokens, idx) => {
  const t = tokens[idx]!;
  const src = t.attrGet('src') ?? '';
  const alt = md.utils.escapeHtml(t.content || 'image');
  return `<span class="blocked-image" title="Images in answers are not loaded">[image: ${alt}] ${md.utils.escapeHtml(src)}</span>`;
};

const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const t = tokens[idx]!;
  t.attrSet('rel', 'noopener noreferrer');
  t.attrSet('title', t.attrGet('href') ?? '');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

export function renderMarkdown(text: string): string {
  return md.render(text);
}
