/** The training settings every tiny CPU fine-tune shares (the ML tests and bench:ml): small enough
 * to train in seconds on one CPU thread, big enough for the loss to move. */
export const TINY_TRAINING = {
  max_seq_length: 64,
  gradient_accumulation_steps: 1,
  warmup_steps: 0,
  optim: "adamw_torch" as const,
  learning_rate: 0.005,
  push_to_hub: false,
  finetuned_model_id: null,
  backend: "transformers" as const,
};

// Learnable toy datasets over the tiny models' vocabulary (sdk/job-scripts/tests/tiny_models.py):
// seeded, so the same test trains on the same rows every run.
const WORDS = "red green blue yellow black white cat dog bird fish tree stone river cloud".split(" ");

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

function pick(next: () => number, n: number): string[] {
  const pool = [...WORDS];
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(pool.splice(Math.floor(next() * pool.length), 1)[0]!);
  return out;
}

/** "repeat a b c" → "c b a . done": the answer is a function of the prompt. */
export function reverseRows(n: number, seed: number) {
  const next = rng(seed);
  return Array.from({ length: n }, () => {
    const words = pick(next, 3);
    return {
      messages: [
        { role: "user", content: `repeat ${words.join(" ")}` },
        { role: "assistant", content: `${[...words].reverse().join(" ")} . done` },
      ],
    };
  });
}

/** Chosen: the reversed words; rejected: one word said three times. */
export function preferenceRows(n: number, seed: number) {
  const next = rng(seed);
  return Array.from({ length: n }, () => {
    const words = pick(next, 3);
    return {
      prompt: [{ role: "user", content: `repeat ${words.join(" ")}` }],
      chosen: [{ role: "assistant", content: `${[...words].reverse().join(" ")} . done` }],
      rejected: [{ role: "assistant", content: `${words[0]} ${words[0]} ${words[0]}` }],
    };
  });
}

/** Assistant turns of three tagged blocks: weight 1 ("learn"), 0 ("ignore"), -0.5 ("unlearn"). */
export function weightedRows(n: number, seed: number) {
  const next = rng(seed);
  return Array.from({ length: n }, () => {
    const words = pick(next, 3);
    return {
      messages: [
        { role: "user", content: `repeat ${words.join(" ")}` },
        {
          role: "assistant",
          content: [
            { type: "text", text: `${[...words].reverse().join(" ")} .`, weight: 1, tag: "learn" },
            { type: "text", text: " cloud river", weight: 0, tag: "ignore" },
            { type: "text", text: " stone stone", weight: -0.5, tag: "unlearn" },
          ],
        },
      ],
    };
  });
}
