import ReactMarkdown from 'react-markdown';
import remarkGfm from 'remark-gfm';
import './knowledge.css';

/**
 * An article body rendered from Markdown (GitHub flavour: tables, task lists, strikethrough).
 * Raw HTML is never rendered (skipHtml) and link targets pass react-markdown's URL filter, so
 * an article cannot carry script into the page.
 */
export function MarkdownView({ source, testId }: { source: string; testId?: string }) {
  return (
    <div className="rg-markdown" data-testid={testId}>
      <ReactMarkdown
        remarkPlugins={[remarkGfm]}
        skipHtml
        components={{
          a: ({ href, children }) => (
            <a href={href} target="_blank" rel="noopener noreferrer nofollow">
              {children}
            </a>
          ),
        }}
      >
        {source}
      </ReactMarkdown>
    </div>
  );
}
