// Moved to src/identity/personnummer.ts, the one module shared with the FHIR export. This
// re-export lasts only while engine.ts is being split into its rooms; nothing new imports it.
export * from '../identity/personnummer.ts'
