import {
  useLayoutEffect,
  useRef,
  useState,
  type CSSProperties,
  type HTMLAttributes,
  type ReactNode,
} from 'react';
import { theme } from 'antd';
import { useTranslation } from 'react-i18next';

type Tone = 'secondary' | 'warning' | 'danger';

interface TextProps extends HTMLAttributes<HTMLElement> {
  type?: Tone;
  strong?: boolean;
  /** One line, cut with "…" where it does not fit. */
  ellipsis?: boolean;
  code?: boolean;
  children?: ReactNode;
}

function useTone(type: Tone | undefined): string | undefined {
  const { token } = theme.useToken();
  if (type === 'secondary') return token.colorTextDescription;
  if (type === 'warning') return token.colorWarning;
  if (type === 'danger') return token.colorError;
  return undefined;
}

/** A long word (a URL in a reason, a long title) wraps instead of widening the page, as in antd. */
const BREAK: CSSProperties = { wordBreak: 'break-word' };

const ELLIPSIS: CSSProperties = {
  display: 'inline-block',
  maxWidth: '100%',
  overflow: 'hidden',
  whiteSpace: 'nowrap',
  textOverflow: 'ellipsis',
  verticalAlign: 'bottom',
};

const CODE: CSSProperties = {
  margin: '0 0.2em',
  padding: '0.2em 0.4em 0.1em',
  fontSize: '85%',
  background: 'rgba(150, 150, 150, 0.1)',
  border: '1px solid rgba(100, 100, 100, 0.2)',
  borderRadius: 3,
};

/**
 * Typography.Text's looks for the pages a phone opens first (issue #18): antd's Typography brings
 * its editing (Input, TextArea) and copying code along, which the app's frame, 我的待办 and the
 * release page's header and rollback decision never use. Colours come from the theme's tokens, as
 * Typography's do; `strong` is a <strong>, as there. Other pages keep using Typography.
 */
export function Text({ type, strong, ellipsis, code, style, children, ...rest }: TextProps) {
  const color = useTone(type);
  const coded = code ? <code style={CODE}>{children}</code> : children;
  return (
    <span {...rest} style={{ ...BREAK, ...(color && { color }), ...(ellipsis && ELLIPSIS), ...style }}>
      {strong ? <strong style={{ fontWeight: 600 }}>{coded}</strong> : coded}
    </span>
  );
}

/** Typography.Paragraph's looks: a block with a line's space below. */
export function Paragraph({
  type,
  style,
  children,
  ...rest
}: Omit<TextProps, 'strong' | 'ellipsis' | 'code'>) {
  const color = useTone(type);
  return (
    <div {...rest} style={{ ...BREAK, marginBottom: '1em', ...(color && { color }), ...style }}>
      {children}
    </div>
  );
}

/** Typography.Title level 3's looks. */
export function Title3({ style, children, ...rest }: HTMLAttributes<HTMLHeadingElement>) {
  const { token } = theme.useToken();
  return (
    <h3
      {...rest}
      style={{
        ...BREAK,
        marginBottom: '0.5em',
        color: token.colorTextHeading,
        fontWeight: token.fontWeightStrong,
        fontSize: token.fontSizeHeading3,
        lineHeight: token.lineHeightHeading3,
        ...style,
      }}
    >
      {children}
    </h3>
  );
}

/**
 * Typography.Paragraph's `ellipsis={{ rows, expandable: true }}`: the text cut after `rows` lines,
 * with 展开 to show the rest when it was cut.
 */
export function Clamped({
  rows,
  type,
  style,
  children,
  ...rest
}: Omit<TextProps, 'strong' | 'ellipsis' | 'code'> & { rows: number }) {
  const { t } = useTranslation();
  const color = useTone(type);
  const { token } = theme.useToken();
  const text = useRef<HTMLDivElement>(null);
  const [open, setOpen] = useState(false);
  const [cut, setCut] = useState(false);
  useLayoutEffect(() => {
    const element = text.current;
    if (element && !open) setCut(element.scrollHeight > element.clientHeight + 1);
  }, [children, open]);
  const clamp: CSSProperties = {
    display: '-webkit-box',
    WebkitLineClamp: rows,
    WebkitBoxOrient: 'vertical',
    overflow: 'hidden',
  };
  return (
    <div {...rest} style={{ ...BREAK, ...(color && { color }), ...style }}>
      <div ref={text} style={open ? undefined : clamp}>
        {children}
      </div>
      {cut && !open && (
        <button
          type="button"
          onClick={() => setOpen(true)}
          style={{
            padding: 0,
            border: 0,
            background: 'none',
            color: token.colorLink,
            cursor: 'pointer',
            font: 'inherit',
          }}
        >
          {t('common.expand')}
        </button>
      )}
    </div>
  );
}
