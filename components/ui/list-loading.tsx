/**
 * What a streamed list shows until its rows arrive: the page's header and filters are sent
 * first, the rows follow in the same response (a Suspense boundary around the list). React may
 * reveal them a moment after the document has loaded: end-to-end tests wait for
 * [data-list-loading] to be gone.
 */
export function ListLoading({ label }: { label: string }) {
  return (
    <div
      role="status"
      data-list-loading
      className="rounded-lg bg-white px-4 py-10 text-center text-sm text-slate-600 shadow-sm ring-1 ring-slate-200"
    >
      {label}
    </div>
  );
}
