// Bounded concurrency is plain TypeScript the domain's survey importer needs too; it lives there.
export { mapLimited } from '#domain/concurrency';
