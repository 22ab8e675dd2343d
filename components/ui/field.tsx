import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";
import { cn } from "./cn";

const CONTROL =
  "block w-full rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm shadow-sm placeholder:text-zinc-400 focus:border-brand-500 focus:outline-none focus:ring-2 focus:ring-brand-500/20 disabled:bg-zinc-100 aria-[invalid=true]:border-red-500";

interface FieldFrameProps {
  label: string;
  hint?: ReactNode;
  error?: string;
  children: (ids: { id: string; describedBy?: string; invalid: boolean }) => ReactNode;
}

/** A label, a control, an optional hint and the server's error for it. */
export function Field({ label, hint, error, children }: FieldFrameProps) {
  const id = useId();
  // The error replaces the hint rather than repeating it.
  const hintId = hint && !error ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div className="space-y-1.5">
      <label htmlFor={id} className="block text-sm font-medium text-zinc-800">
        {label}
      </label>
      {children({ id, describedBy, invalid: Boolean(error) })}
      {hint && !error && (
        <p id={hintId} className="text-xs text-zinc-500">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="text-sm text-red-600">
          {error}
        </p>
      )}
    </div>
  );
}

type InputFieldProps = InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: ReactNode; error?: string };

export function TextField({ label, hint, error, className, ...props }: InputFieldProps) {
  return (
    <Field label={label} hint={hint} error={error}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          className={cn(CONTROL, className)}
          {...props}
        />
      )}
    </Field>
  );
}

type TextAreaFieldProps = TextareaHTMLAttributes<HTMLTextAreaElement> & { label: string; hint?: ReactNode; error?: string };

/** A multi-line field in the code font: lists people paste (addresses, model names). */
export function TextAreaField({ label, hint, error, className, ...props }: TextAreaFieldProps) {
  return (
    <Field label={label} hint={hint} error={error}>
      {({ id, describedBy, invalid }) => (
        <textarea id={id} aria-describedby={describedBy} aria-invalid={invalid} className={cn(CONTROL, "font-mono", className)} {...props} />
      )}
    </Field>
  );
}

type SelectFieldProps = SelectHTMLAttributes<HTMLSelectElement> & { label: string; hint?: ReactNode; error?: string };

export function SelectField({ label, hint, error, className, children, ...props }: SelectFieldProps) {
  return (
    <Field label={label} hint={hint} error={error}>
      {({ id, describedBy, invalid }) => (
        <select id={id} aria-describedby={describedBy} aria-invalid={invalid} className={cn(CONTROL, className)} {...props}>
          {children}
        </select>
      )}
    </Field>
  );
}

/** A form's outcome under its fields: the refusal, or the action's success message. */
export function FormOutcome({ error, success }: { error?: string; success?: string }) {
  return (
    <>
      <FormError message={error} />
      {success && (
        <p role="status" className="text-sm text-emerald-700">
          {success}
        </p>
      )}
    </>
  );
}

export function FormError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-700">
      {message}
    </div>
  );
}

type ChoiceCardProps = Omit<InputHTMLAttributes<HTMLInputElement>, "type" | "className"> & { label: string; help: string };

/** One option of a radio group, as a card with a title and a line of help; highlighted when chosen. */
export function ChoiceCard({ label, help, ...radio }: ChoiceCardProps) {
  return (
    <label className="flex gap-3 rounded-md border border-zinc-200 px-3 py-2.5 text-sm has-[:checked]:border-brand-500 has-[:checked]:bg-brand-50">
      <input type="radio" className="mt-0.5 accent-brand-600" {...radio} />
      <span>
        <span className="block font-medium text-zinc-900">{label}</span>
        <span className="text-xs text-zinc-600">{help}</span>
      </span>
    </label>
  );
}
