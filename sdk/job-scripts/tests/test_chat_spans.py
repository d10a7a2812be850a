import unittest

from tests.toy_tokenizer import ToyTokenizer
from training.chat_spans import SpanError, generation_prompt, response_delimiters, tokenize_conversation, tokenize_text


def weighted_text(tok, conv):
    """The decoded text of every token with non-zero weight, grouped in runs."""
    runs, current = [], []
    for token_id, w in zip(conv.input_ids, conv.weights):
        if w != 0:
            current.append(token_id)
        elif current:
            runs.append(tok.decode(current))
            current = []
    if current:
        runs.append(tok.decode(current))
    return runs


TWO_TURNS = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Hi there"},
    {"role": "assistant", "content": "Hello friend"},
    {"role": "user", "content": "Bye now"},
    {"role": "assistant", "content": "See you"},
]


class ResponseOnlyWeights(unittest.TestCase):
    def test_chatml_weights_every_assistant_turn_and_its_end_token_only(self):
        tok = ToyTokenizer("chatml")
        conv = tokenize_conversation(tok, TWO_TURNS, train_on_responses_only=True)
        self.assertEqual(weighted_text(tok, conv), ["\nHello friend<|im_end|>", "\nSee you<|im_end|>"])

    def test_qwen3_weights_only_the_final_assistant_turn_without_the_think_scaffold(self):
        tok = ToyTokenizer("qwen3")
        conv = tokenize_conversation(tok, TWO_TURNS, train_on_responses_only=True)
        self.assertIn("<think>", conv.text)
        runs = weighted_text(tok, conv)
        self.assertEqual(len(runs), 1)
        self.assertTrue(runs[0].endswith("See you<|im_end|>"))
        self.assertNotIn("think>", runs[0])
        self.assertNotIn("Hello", "".join(runs))

    def test_without_responses_only_every_message_is_weighted_but_not_the_headers(self):
        tok = ToyTokenizer("chatml")
        conv = tokenize_conversation(tok, TWO_TURNS, train_on_responses_only=False)
        joined = "".join(weighted_text(tok, conv))
        for text in ("Be brief.", "Hi there", "Hello friend", "Bye now", "See you"):
            self.assertIn(text, joined)
        self.assertNotIn("<|im_start|>", joined)

    def test_explicit_message_weight_overrides_the_default_rule(self):
        tok = ToyTokenizer("qwen3")
        messages = [dict(m) for m in TWO_TURNS]
        messages[2]["weight"] = 0.5
        conv = tokenize_conversation(tok, messages, train_on_responses_only=True)
        hello = [w for t, w in zip(conv.input_ids, conv.weights) if "Hello" in tok.decode([t])]
        self.assertEqual(hello, [0.5])


class BlockWeights(unittest.TestCase):
    def blocks_conversation(self):
        return [
            {"role": "user", "content": "Tell me"},
            {"role": "assistant", "content": [
                {"type": "text", "text": "Good part.", "weight": 1, "tag": "good"},
                {"type": "text", "text": " Bad part.", "weight": -1, "tag": "bad"},
                {"type": "text", "text": " Neutral", "weight": 0},
            ]},
            {"role": "user", "content": "More please"},
            {"role": "assistant", "content": "Done"},
        ]

    def test_each_block_gets_its_own_weight_including_negative(self):
        tok = ToyTokenizer("chatml")
        conv = tokenize_conversation(tok, self.blocks_conversation(), train_on_responses_only=True)
        by_token = {tok.decode([t]): w for t, w in zip(conv.input_ids, conv.weights) if w != 0}
        self.assertEqual(by_token["\nGood"], 1.0)
        self.assertEqual(by_token[" part."], -1.0)  # " part." of the bad block is the last such token
        self.assertEqual(by_token[" Bad"], -1.0)
        self.assertNotIn(" Neutral", by_token)

    def test_a_weighted_non_final_block_does_not_absorb_the_next_user_turn(self):
        tok = ToyTokenizer("chatml")
        messages = self.blocks_conversation()
        messages[1]["content"][2]["weight"] = 2
        conv = tokenize_conversation(tok, messages, train_on_responses_only=True)
        start, end = conv.block_ranges[2][0]
        self.assertEqual(conv.weights[start:end], [0.0] * (end - start))
        end_of_turn = conv.block_ranges[1][-1][1]
        self.assertEqual(tok.decode([conv.input_ids[end_of_turn]]), "<|im_end|>")
        self.assertEqual(conv.weights[end_of_turn], 2.0)  # inherits the last block's weight
        self.assertEqual(conv.weights[end_of_turn + 1:start], [0.0] * (start - end_of_turn - 1))

    def test_block_ranges_decode_to_the_block_texts(self):
        tok = ToyTokenizer("chatml")
        conv = tokenize_conversation(tok, self.blocks_conversation(), train_on_responses_only=True)
        texts = [tok.decode(conv.input_ids[s:e]) for s, e in conv.block_ranges[1]]
        self.assertEqual(texts, ["\nGood part.", " Bad part.", " Neutral"])

    def test_slow_tokenizer_without_offsets_gives_the_same_weights(self):
        fast = tokenize_conversation(ToyTokenizer("chatml", offsets=True), self.blocks_conversation())
        slow = tokenize_conversation(ToyTokenizer("chatml", offsets=False), self.blocks_conversation())
        self.assertEqual(fast.weights, slow.weights)
        self.assertEqual(fast.block_ranges, slow.block_ranges)

    def test_a_token_straddling_two_blocks_belongs_to_the_later_block(self):
        tok = ToyTokenizer("chatml")
        messages = [{"role": "user", "content": "x"}, {"role": "assistant", "content": [
            {"type": "text", "text": "Hel", "weight": 3}, {"type": "text", "text": "lo world", "weight": 5}]}]
        conv = tokenize_conversation(tok, messages)
        weights = {tok.decode([t]): w for t, w in zip(conv.input_ids, conv.weights)}
        self.assertEqual(weights["\nHello"], 5.0)
        self.assertEqual(conv.block_ranges[1][0][0], conv.block_ranges[1][0][1])

    def test_a_template_that_strips_content_still_locates_the_blocks(self):
        tok = ToyTokenizer("strip")
        messages = [{"role": "user", "content": "  question  "}, {"role": "assistant", "content": [
            {"type": "text", "text": " First", "weight": 1}, {"type": "text", "text": " second ", "weight": 4}]}]
        conv = tokenize_conversation(tok, messages)
        weights = {tok.decode([t]): w for t, w in zip(conv.input_ids, conv.weights)}
        self.assertEqual(weights["\nFirst"], 1.0)
        self.assertEqual(weights[" second"], 4.0)
        self.assertEqual(weights["\nquestion"], 0.0)

    def test_truncation_clips_ids_weights_and_ranges(self):
        tok = ToyTokenizer("chatml")
        conv = tokenize_conversation(tok, self.blocks_conversation(), max_length=6)
        self.assertEqual(len(conv.input_ids), 6)
        self.assertEqual(len(conv.weights), 6)
        self.assertTrue(all(e <= 6 for mr in conv.block_ranges for _, e in mr))

    def test_content_missing_from_the_rendering_is_an_error(self):
        class Dropping(ToyTokenizer):
            def apply_chat_template(self, messages, tokenize=False, add_generation_prompt=False):
                return "<|im_start|>nothing<|im_end|>"
        with self.assertRaises(SpanError):
            tokenize_conversation(Dropping(), [{"role": "user", "content": "zebra"}])


class Delimiters(unittest.TestCase):
    def test_chatml_and_qwen3_headers_exclude_the_think_scaffold(self):
        for template in ("chatml", "qwen3"):
            self.assertEqual(response_delimiters(ToyTokenizer(template)), ("<|im_start|>user\n", "<|im_start|>assistant\n"))

    def test_llama3_headers(self):
        self.assertEqual(response_delimiters(ToyTokenizer("llama3")), ("<|start_header_id|>user<|end_header_id|>\n\n", "<|start_header_id|>assistant<|end_header_id|>\n\n"))


class Prompts(unittest.TestCase):
    def test_a_final_assistant_message_is_a_prefill_after_the_generation_header(self):
        tok = ToyTokenizer("chatml")
        prompt = generation_prompt(tok, [{"role": "user", "content": "Q"}, {"role": "assistant", "content": "<response>"}], prefill=" so")
        self.assertEqual(prompt, "<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n<response> so")

    def test_text_rows_are_fully_weighted_and_end_with_eos(self):
        tok = ToyTokenizer("chatml")
        conv = tokenize_text(tok, "plain words here")
        self.assertEqual(conv.input_ids[-1], tok.eos_token_id)
        self.assertEqual(set(conv.weights), {1.0})


if __name__ == "__main__":
    unittest.main()
