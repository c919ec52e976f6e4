import { useForm } from '@mantine/form';

type Errors<T> = Partial<Record<keyof T, string>>;

/**
 * A form of text fields on @mantine/form: each field's error clears as soon as the user edits it, and the
 * server's field messages (400 `details.fields`) land on the fields they name.
 */
export function useFormFields<T extends Record<string, string>>(initial: T) {
  const form = useForm<T>({ mode: 'controlled', initialValues: initial, clearInputErrorOnChange: true });

  /** The props of one input: value, change handler and its error. */
  const field = (name: keyof T & string) => form.getInputProps(name);

  const setErrors = (errors: Errors<T>) => form.setErrors(errors);

  /** Keeps only the server's field messages that belong to a field on this form. */
  function showServerErrors(fields: Record<string, string>): boolean {
    const known = Object.entries(fields).filter(([name]) => name in initial);
    form.setErrors(Object.fromEntries(known));
    return known.length > 0;
  }

  return { values: form.values, field, setErrors, showServerErrors };
}
