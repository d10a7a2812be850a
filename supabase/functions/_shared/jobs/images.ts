// The worker images of the built-in jobs, by role: the SDK and the openai function submit with these.
/**
 * Worker images by role. They must equal the `OW_WORKER_IMAGE` of the workers that should run
 * them (workers claim only jobs of their own image); the Dockerfiles in `worker/docker` set these.
 */
export interface BuiltInImages {
  /** Fine-tuning (Unsloth + TRL + PEFT). */
  unsloth: string;
  /** Inference, serving, logprobs, weighted SFT and evals (vLLM + transformers). */
  vllm: string;
}

export const DEFAULT_IMAGES: BuiltInImages = {
  unsloth: "openweights/ow-unsloth",
  vllm: "openweights/ow-vllm",
};
