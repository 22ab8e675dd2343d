export function Logo({ inverted = false }: { inverted?: boolean }) {
  return (
    <span className={`inline-flex items-center gap-2 text-lg font-semibold tracking-tight ${inverted ? "text-white" : "text-zinc-900"}`}>
      <svg aria-hidden="true" viewBox="0 0 24 24" className="h-7 w-7" fill="none">
        <rect width="24" height="24" rx="6" className={inverted ? "fill-brand-500" : "fill-brand-600"} />
        <circle cx="9" cy="12" r="3.2" stroke="white" strokeWidth="2" />
        <path d="M12.2 12h7M16.5 12v3M19 12v2" stroke="white" strokeWidth="2" strokeLinecap="round" />
      </svg>
      Keysmith
    </span>
  );
}
