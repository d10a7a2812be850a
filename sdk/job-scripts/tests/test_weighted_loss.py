import math
import unittest

from tests.toy_tokenizer import ToyTokenizer
from training.chat_spans import tokenize_conversation
from training.logprob_rows import block_logprob_rows, mean_weighted_loss, tagged_block_events, weighted_tokens
from training.weighted_loss import weighted_nll


class WeightedLoss(unittest.TestCase):
    def test_loss_is_weighted_nll_over_sum_of_absolute_weights(self):
        logps = [None, math.log(0.5), math.log(0.25), math.log(0.1)]
        weights = [9.0, 1.0, -1.0, 2.0]  # the first token is never predicted, so its weight is ignored
        expected = (1 * -math.log(0.5) + -1 * -math.log(0.25) + 2 * -math.log(0.1)) / 4
        self.assertAlmostEqual(weighted_nll(logps, weights), expected)

    def test_binary_weights_give_the_mean_over_trained_tokens(self):
        logps = [None, -1.0, -2.0, -3.0]
        self.assertAlmostEqual(weighted_nll(logps, [0, 0, 1, 1]), 2.5)

    def test_all_zero_weights_give_zero_and_mismatched_lengths_fail(self):
        self.assertEqual(weighted_nll([None, -1.0], [0, 0]), 0.0)
        with self.assertRaises(ValueError):
            weighted_nll([None], [1, 1])


class LogprobRows(unittest.TestCase):
    def setUp(self):
        self.tok = ToyTokenizer("chatml")
        self.conv = tokenize_conversation(self.tok, [
            {"role": "user", "content": "Say it"},
            {"role": "assistant", "content": [{"type": "text", "text": "Yes sir", "tag": "answer", "weight": 1}, {"type": "text", "text": " done"}]},
        ])
        self.logps = [None] + [-0.5] * (len(self.conv.input_ids) - 1)

    def test_each_block_gets_the_sum_of_its_token_logprobs_and_its_range(self):
        row = block_logprob_rows(self.conv, self.logps)
        answer = row["messages"][1]["content"][0]
        start, end = answer["range"]
        self.assertEqual(self.tok.decode(self.conv.input_ids[start:end]), "\nYes sir")
        self.assertAlmostEqual(answer["logprobs"], -0.5 * (end - start))
        self.assertEqual(answer["text"], "Yes sir")

    def test_only_tagged_blocks_become_logprob_block_events(self):
        events = tagged_block_events(3, block_logprob_rows(self.conv, self.logps), step=7, source="in-dist")
        self.assertEqual(len(events), 1)
        self.assertEqual((events[0]["type"], events[0]["tag"], events[0]["step"], events[0]["source"], events[0]["row"]), ("logprob_block", "answer", 7, "in-dist", 3))

    def test_weighted_tokens_and_mean_loss_cover_weighted_tokens_only(self):
        tokens = weighted_tokens(self.conv, self.logps, lambda t: self.tok.decode([t]))
        self.assertEqual("".join(t["token"] for t in tokens), "\nYes sir done<|im_end|>")
        self.assertAlmostEqual(mean_weighted_loss([self.conv], [self.logps]), 0.5)


if __name__ == "__main__":
    unittest.main()
