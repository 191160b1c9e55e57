import { useEffect, useRef, type ReactNode } from 'react';

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
