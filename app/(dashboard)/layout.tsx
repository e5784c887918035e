import { LiveAlerts } from "@/components/alerts/live-alerts";
import { StepUpProvider } from "@/components/auth/step-up";
import { LiveNotifications } from "@/components/notifications/live-notifications";
import { MerchantSwitcher } from "@/components/shell/merchant-switcher";
import { MobileNav } from "@/components/shell/mobile-nav";
import { Sidebar, type SidebarItem } from "@/components/shell/sidebar";
import { TestDataBanner, ViewModeSwitch } from "@/components/shell/view-mode-switch";
import { countAlertsNeedingAttention } from "@/lib/alerts/queries";
import { can, ROLE_LABELS } from "@/lib/auth/permissions";
import { getRequestContext, secondFactorPath } from "@/lib/auth/server";
import { signOutAction } from "@/lib/auth/sign-in-action";
import { viewModeFor } from "@/lib/mode";
import { navFor } from "@/lib/navigation";
import { countUnreadNotifications } from "@/lib/notifications/inbox";
import Link from "next/link";
import { redirect } from "next/navigation";

export const dynamic = "force-dynamic";

// The shell: session, merchant and navigation. Each page still authorizes itself.
export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const ctx = await getRequestContext();
  if (!ctx) redirect((await secondFactorPath()) ?? "/sign-in");
  const viewMode = await viewModeFor();
  // The Alerts item carries the count of alerts that need someone, in the viewed mode.
  const attention = can(ctx.role, "alerts.view")
    ? await countAlertsNeedingAttention(ctx, viewMode)
    : 0;
  // Notifications carries the member's own unread count (deadline reminders), in that mode.
  const unread = await countUnreadNotifications(ctx, viewMode);
  const items: SidebarItem[] = navFor(ctx.role).map(({ href, label, icon }) => ({
    href,
    label,
    icon,
    ...(href === "/alerts" && {
      badge: {
        count: attention,
        label: attention === 1 ? "alert needs attention" : "alerts need attention",
      },
    }),
    ...(href === "/notifications" && {
      badge: {
        count: unread,
        label: unread === 1 ? "unread notification" : "unread notifications",
      },
    }),
  }));
  const logo = (
    <div className="flex items-center gap-2 px-2">
      <span className="flex h-8 w-8 items-center justify-center rounded-lg bg-brand-600 font-bold text-white">
        P
      </span>
      <span className="text-lg font-semibold">Parley</span>
    </div>
  );
  const shell = (
    <>
      <div className="mb-4 px-1">
        <MerchantSwitcher current={ctx.merchantId} merchants={ctx.merchants} />
      </div>
      <Sidebar items={items} />
      <div className="mt-3 border-t border-slate-200 pt-3">
        <ViewModeSwitch mode={viewMode} />
      </div>
      <div className="mt-3 border-t border-slate-200 px-2 pt-3 text-xs text-slate-600 md:mt-auto">
        <div className="truncate font-medium text-slate-800" data-testid="current-user">
          {ctx.user.email}
        </div>
        <div data-testid="current-role">{ROLE_LABELS[ctx.role]}</div>
        <div className="mt-2 flex flex-wrap gap-x-3 gap-y-1">
          <form action={signOutAction}>
            <button type="submit" className="text-brand-700 hover:underline">
              Sign out
            </button>
          </form>
          <Link href="/account" className="text-brand-700 hover:underline">
            Account and security
          </Link>
        </div>
      </div>
    </>
  );
  return (
    // On a phone the navigation sits behind a "Menu" button (a drawer); from md up it is a
    // sidebar. The drawer mounts its copy only while open, so one navigation exists at a time.
    <div className="flex min-h-screen flex-col md:flex-row">
      <header className="sticky top-0 z-10 flex items-center justify-between border-b border-slate-200 bg-white px-3 py-2 md:hidden">
        {logo}
        <MobileNav>{shell}</MobileNav>
      </header>
      <aside className="hidden shrink-0 flex-col border-r border-slate-200 bg-white px-3 py-4 md:flex md:w-60">
        <div className="mb-4">{logo}</div>
        {shell}
      </aside>
      <main className="min-w-0 flex-1 px-4 py-4 md:px-8 md:py-6">
        {viewMode === "test" ? <TestDataBanner /> : null}
        {can(ctx.role, "alerts.view") ? <LiveAlerts mode={viewMode} /> : null}
        <LiveNotifications mode={viewMode} />
        <StepUpProvider>{children}</StepUpProvider>
      </main>
    </div>
  );
}
