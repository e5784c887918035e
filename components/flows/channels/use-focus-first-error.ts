"use client";

import { type RefObject, useEffect } from "react";

/** After a refused submit, keyboard users land on the first field to fix. */
export function useFocusFirstError(
  form: RefObject<HTMLFormElement | null>,
  fieldErrors: Record<string, string[]>,
): void {
  useEffect(() => {
    if (Object.keys(fieldErrors).length === 0) return;
    form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [form, fieldErrors]);
}
