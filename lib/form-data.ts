// A text field of a submitted form. A file (or a missing field) reads as "": no form here
// uploads files, and `String(file)` would be "[object File]".
export function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}
