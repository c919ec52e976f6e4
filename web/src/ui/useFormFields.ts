import { schemaResolver, useForm } from '@mantine/form';

/** A Standard Schema, which every Zod schema is. */
type Schema = Parameters<typeof schemaResolver>[0];
type Errors<T> = Partial<Record<keyof T, string>>;

/**
 * A form on @mantine/form: each field's error clears as soon as the user edits it, and the server's field messages
 * (400 `details.fields`) land on the fields they name. Given the server's Zod schema for the request (from
 * `@foyer-fields/<feature>`), `validate()` refuses what the server would refuse, with the server's sentences,
 * before anything is sent. A form over saved settings is mounted once they have loaded, starting from them;
 * `isDirty()` and `markSaved()` let its Save wait for a change.
 */
export function useFormFields<T extends Record<string, unknown>>(initial: T, schema?: Schema) {
  const form = useForm<T>({
    mode: 'controlled',
    initialValues: initial,
    clearInputErrorOnChange: true,
    ...(schema ? { validate: schemaResolver(schema, { sync: true }) } : {}),
  });

  /** The props of one input: value, change handler and its error; a checkbox or switch takes `checked` instead. */
  const field = (name: keyof T & string, options?: { type: 'checkbox' }) => form.getInputProps(name, options);

  const setErrors = (errors: Errors<T>) => form.setErrors(errors);

  /** Checks the values against the schema and shows its messages; true when they pass. */
  const validate = () => !form.validate().hasErrors;

  /** Keeps only the server's field messages that belong to a field on this form. */
  function showServerErrors(fields: Record<string, string>): boolean {
    const known = Object.entries(fields).filter(([name]) => name in initial);
    form.setErrors(Object.fromEntries(known));
    return known.length > 0;
  }

  /** Whether the values differ from the ones the form started with or last saved. */
  const isDirty = () => form.isDirty();

  /** What the server saved becomes the form's values and what the next change is measured against. */
  function markSaved(values: T) {
    form.setValues(values);
    form.resetDirty(values);
  }

  return { values: form.values, field, setValue: form.setFieldValue, setErrors, validate, showServerErrors, isDirty, markSaved };
}
