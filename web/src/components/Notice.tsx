import { useEffect, useRef, type ReactNode } from 'react';

/** A success message, announced to screen readers. */
export function Notice({ children }: { children: ReactNode }) {
  return (
    <p className="notice" role="status">
      {children}
    </p>
  );
}

/**
 * The outcome of an action the form that did it no longer shows (a declared conflict, a submitted
 * review): announced, and focused so keyboard users carry on from there.
 */
export function FocusedNotice({
  children,
  className = 'notice',
}: {
  children: ReactNode;
  className?: string;
}) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <p className={className} role="status" tabIndex={-1} ref={ref}>
      {children}
    </p>
  );
}
