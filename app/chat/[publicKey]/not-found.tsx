// An unknown or unpublished chat key: say so plainly, in the four languages the bot speaks.
export default function ChatNotFound() {
  return (
    <main
      className="mx-auto flex min-h-dvh max-w-md flex-col items-center justify-center gap-3 px-6 text-center"
      data-testid="chat-not-found"
    >
      <h1 className="text-lg font-semibold text-slate-900">This chat isn&apos;t available</h1>
      <p className="text-sm text-slate-600">
        The link may be mistyped, or the business has paused this chat. Please check with them for a
        current link.
      </p>
      <ul className="mt-2 space-y-1 text-xs text-slate-500">
        <li lang="fr">Cette discussion n&apos;est pas disponible.</li>
        <li lang="zh">此聊天不可用。</li>
        <li lang="id">Obrolan ini tidak tersedia.</li>
      </ul>
    </main>
  );
}
