import { useState, type ChangeEvent } from 'react';

type Errors<T> = Partial<Record<keyof T, string>>;

/** Controlled text fields whose error clears as soon as the user edits that field. */
export function useFormFields<T extends Record<string, string>>(initial: T) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Errors<T>>({});

  function field(name: keyof T) {
    return {
      value: values[name],
      error: errors[name],
      onChange: (event: ChangeEvent<HTMLInputElement>) => {
        const value = event.currentTarget.value;
        setValues((current) => ({ ...current, [name]: value }));
        setErrors((current) => ({ ...current, [name]: undefined }));
      },
    };
  }

  /** Keeps only the server's field messages that belong to a field on this form. */
  function showServerErrors(fields: Record<string, string>): boolean {
    const known = Object.entries(fields).filter(([name]) => name in initial);
    setErrors(Object.fromEntries(known) as Errors<T>);
    return known.length > 0;
  }

  return { values, field, setErrors, showServerErrors };
}
