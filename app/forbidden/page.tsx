import Link from "next/link";

export default function ForbiddenPage() {
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="max-w-md text-center">
        <p className="text-sm font-semibold text-red-700">403 · Not allowed</p>
        <h1 className="mt-2 text-2xl font-semibold">Your role does not include this page</h1>
        <p className="mt-2 text-sm text-slate-600">
          Ask an owner or admin of this merchant to change your role if you need it.
        </p>
        <Link
          href="/overview"
          className="mt-6 inline-block text-sm font-medium text-brand-700 hover:underline"
        >
          Back to the overview
        </Link>
      </div>
    </main>
  );
}
