export function Chips({
  label,
  items,
  format = (s) => s,
}: {
  label: string;
  items: string[];
  format?: (item: string) => string;
}) {
  if (items.length === 0) return <p className="text-sm text-slate-500">None</p>;
  return (
    <ul aria-label={label} className="flex flex-wrap gap-1.5">
      {items.map((item) => (
        <li
          key={item}
          className="rounded-md bg-slate-100 px-2 py-0.5 text-xs font-medium text-slate-700 ring-1 ring-inset ring-slate-200"
        >
          {format(item)}
        </li>
      ))}
    </ul>
  );
}

const METHOD_NAMES: Record<string, string> = {
  card: "Card",
  apple_pay: "Apple Pay",
  google_pay: "Google Pay",
  paypal: "PayPal",
  bank_transfer: "Bank transfer",
  alipay: "Alipay",
  wechat_pay: "WeChat Pay",
  installments: "Installments",
  crypto: "Crypto",
};

export function methodName(method: string): string {
  return METHOD_NAMES[method] ?? method;
}
