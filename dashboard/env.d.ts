// Next.js's ambient types (CSS and image imports), without next-env.d.ts's references into the
// generated .next/ folder: `npm run typecheck` runs before any `next build` on a fresh clone.
/// <reference types="next" />
/// <reference types="next/image-types/global" />
