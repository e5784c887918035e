"use client";

import { type RefObject, useEffect, useRef } from "react";

/**
 * After a refused submit, keyboard users land on the first field to fix. Waits until the form
 * is enabled again (`pending` false): a disabled input cannot take focus.
 */
export function useFocusFirstError(
  form: RefObject<HTMLFormElement | null>,
  fieldErrors: Record<string, string[]>,
  pending: boolean,
): void {
  const handled = useRef<Record<string, string[]> | null>(null);
  useEffect(() => {
    if (pending || handled.current === fieldErrors) return;
    handled.current = fieldErrors;
    if (Object.keys(fieldErrors).length === 0) return;
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [form, fieldErrors, pending]);
}
