import unittest

from training.schedules import check_every, due_steps, is_due, is_log_step


class Schedules(unittest.TestCase):
    def test_log_schedule_is_one_leading_digit_then_zeros(self):
        self.assertEqual([s for s in range(1, 301) if is_log_step(s)], list(range(1, 10)) + list(range(10, 100, 10)) + [100, 200, 300])
        self.assertFalse(is_log_step(0))
        self.assertTrue(is_log_step(7000))
        self.assertFalse(is_log_step(7100))

    def test_integer_schedule_fires_on_multiples_and_at_start(self):
        self.assertEqual(due_steps(5, 20), [0, 5, 10, 15, 20])
        self.assertEqual(due_steps(5, 20, include_start=False), [5, 10, 15, 20])
        self.assertEqual(due_steps("log", 12), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])

    def test_log_never_crashes_on_modulo(self):
        self.assertTrue(is_due("log", 40))
        self.assertFalse(is_due("log", 41))

    def test_check_every_accepts_positive_ints_and_log_only(self):
        self.assertEqual(check_every(3), 3)
        self.assertEqual(check_every(4.0), 4)
        self.assertEqual(check_every("log"), "log")
        for bad in (0, -1, 2.5, "10", True, None):
            with self.assertRaises(ValueError):
                check_every(bad)


if __name__ == "__main__":
    unittest.main()
