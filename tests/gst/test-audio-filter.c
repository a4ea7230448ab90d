/* SPDX-License-Identifier: GPL-3.0-or-later */
/* LqAudioFilter, the base of every processing element, exercised through a test subclass
 * whose kernel is a pure delay of L frames times a gain: the expected output is known in
 * closed form, so latency compensation, draining, timestamps, bypass and the NaN safety net
 * can be checked exactly. */
#include "config.h"

#include <math.h>

#include <gst/check/gstharness.h>
#include <gst/gst.h>

#include "lq-audio-filter.h"

#define RATE 48000

/* ---- the test subclass ---- */

#define TEST_TYPE_DELAY (test_delay_get_type ())
G_DECLARE_FINAL_TYPE (TestDelay, test_delay, TEST, DELAY, LqAudioFilter)

struct _TestDelay
{
  LqAudioFilter parent_instance;
  guint latency;  /* frames */
  float gain;     /* applied to every sample */
  float *line;    /* latency + 1 frames of delay line */
  guint channels;
  guint pos;
  guint resets;   /* how often reset was called */
};

G_DEFINE_FINAL_TYPE (TestDelay, test_delay, LQ_TYPE_AUDIO_FILTER)

static gboolean
test_delay_setup (LqAudioFilter *filter, guint rate, guint channels)
{
  TestDelay *self = TEST_DELAY (filter);

  g_free (self->line);
  self->channels = channels;
  self->line = g_new0 (float, (self->latency + 1) * channels);
  self->pos = 0;
  return TRUE;
}

static void
test_delay_process (LqAudioFilter *filter, float *data, guint frames)
{
  TestDelay *self = TEST_DELAY (filter);
  guint len = self->latency + 1;

  for (guint i = 0; i < frames; i++)
    {
      for (guint c = 0; c < self->channels; c++)
        {
          self->line[self->pos * self->channels + c] = data[i * self->channels + c];
          data[i * self->channels + c] =
            self->gain * self->line[((self->pos + len - self->latency) % len) * self->channels + c];
        }
      self->pos = (self->pos + 1) % len;
    }
}

static void
test_delay_reset (LqAudioFilter *filter)
{
  TestDelay *self = TEST_DELAY (filter);

  if (self->line)
    memset (self->line, 0, (self->latency + 1) * self->channels * sizeof (float));
  self->resets++;
}

static guint
test_delay_get_latency (LqAudioFilter *filter)
{
  return TEST_DELAY (filter)->latency;
}

static void
test_delay_finalize (GObject *object)
{
  g_free (TEST_DELAY (object)->line);
  G_OBJECT_CLASS (test_delay_parent_class)->finalize (object);
}

static void
test_delay_class_init (TestDelayClass *klass)
{
  LqAudioFilterClass *filter_class = LQ_AUDIO_FILTER_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = test_delay_finalize;
  filter_class->setup = test_delay_setup;
  filter_class->process = test_delay_process;
  filter_class->reset = test_delay_reset;
  filter_class->get_latency = test_delay_get_latency;
  gst_element_class_set_static_metadata (GST_ELEMENT_CLASS (klass), "Test delay", "Filter/Effect/Audio",
                                         "Delays by a fixed number of frames", "Lacquer");
}

static void
test_delay_init (TestDelay *self)
{
  self->latency = 100;
  self->gain = 0.5f;
}

/* ---- helpers ---- */

static GstHarness *
make_harness (TestDelay **out, guint latency, guint channels, gboolean bypass)
{
  TestDelay *delay = g_object_new (TEST_TYPE_DELAY, NULL);
  GstHarness *h;
  g_autofree char *caps = g_strdup_printf ("audio/x-raw, format=F32LE, rate=%d, channels=%u, layout=interleaved",
                                           RATE, channels);

  delay->latency = latency;
  g_object_set (delay, "bypass", bypass, NULL);
  h = gst_harness_new_with_element (GST_ELEMENT (delay), "sink", "src");
  gst_harness_set_src_caps_str (h, caps);
  *out = delay;
  return h;
}

static void
push_frames (GstHarness *h, const float *data, guint frames, guint channels, guint64 offset)
{
  GstBuffer *buf = gst_buffer_new_memdup (data, frames * channels * sizeof (float));

  GST_BUFFER_PTS (buf) = gst_util_uint64_scale_int_round (offset, GST_SECOND, RATE);
  GST_BUFFER_DURATION (buf) = gst_util_uint64_scale_int_round (offset + frames, GST_SECOND, RATE) - GST_BUFFER_PTS (buf);
  g_assert_cmpint (gst_harness_push (h, buf), ==, GST_FLOW_OK);
}

/* Pulls every output buffer into one array; checks timestamps are contiguous from 0. */
static float *
pull_all (GstHarness *h, guint channels, gsize *frames_out)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (float));
  GstBuffer *buf;
  guint64 frames = 0;

  while ((buf = gst_harness_try_pull (h)) != NULL)
    {
      GstMapInfo map;

      g_assert_cmpuint (GST_BUFFER_PTS (buf), ==, gst_util_uint64_scale_int_round (frames, GST_SECOND, RATE));
      gst_buffer_map (buf, &map, GST_MAP_READ);
      g_array_append_vals (out, map.data, map.size / sizeof (float));
      frames += map.size / sizeof (float) / channels;
      gst_buffer_unmap (buf, &map);
      gst_buffer_unref (buf);
    }
  *frames_out = frames;
  return (float *) g_array_free (out, FALSE);
}

static float *
ramp (guint frames, guint channels)
{
  float *data = g_new (float, frames * channels);

  for (guint i = 0; i < frames * channels; i++)
    data[i] = (float) ((i % 977) / 977.0 - 0.5);
  return data;
}

/* ---- tests ---- */

static void
test_latency_compensated_and_drained (void)
{
  const guint channels = 2, latency = 333, frames = 4800, block = 256;
  TestDelay *delay;
  GstHarness *h = make_harness (&delay, latency, channels, FALSE);
  g_autofree float *in = ramp (frames, channels);
  g_autofree float *out = NULL;
  gsize got = 0;

  for (guint off = 0; off < frames; off += block)
    push_frames (h, in + off * channels, MIN (block, frames - off), channels, off);
  g_assert_true (gst_harness_push_event (h, gst_event_new_eos ()));
  out = pull_all (h, channels, &got);

  /* Exactly as many frames as went in, time-aligned: out[n] = gain * in[n]. */
  g_assert_cmpuint (got, ==, frames);
  for (guint i = 0; i < frames * channels; i++)
    g_assert_cmpfloat (out[i], ==, 0.5f * in[i]);
  gst_harness_teardown (h);
}

static void
test_latency_query (void)
{
  TestDelay *delay;
  GstHarness *h = make_harness (&delay, 480, 1, FALSE);
  float silence[64] = { 0 };

  push_frames (h, silence, 64, 1, 0);
  gst_harness_set_upstream_latency (h, 0);
  g_assert_cmpuint (gst_harness_query_latency (h), ==, 10 * GST_MSECOND);
  gst_harness_teardown (h);
}

static void
test_bypass_is_exact_and_click_free (void)
{
  const guint channels = 2, latency = 64, frames = RATE / 2;
  TestDelay *delay;
  GstHarness *h = make_harness (&delay, latency, channels, TRUE);
  g_autofree float *in = g_new (float, frames * channels);
  g_autofree float *out = NULL;
  gsize got = 0;
  double max_in_step = 0.0, max_out_step = 0.0;

  for (guint i = 0; i < frames; i++)
    in[2 * i] = in[2 * i + 1] = (float) (0.8 * sin (2 * G_PI * 440.0 * i / RATE));

  /* Bypassed from the start: the output is the input, bit for bit. */
  push_frames (h, in, frames / 2, channels, 0);
  /* Switched on halfway: a 10 ms crossfade from dry (1.0x) to processed (0.5x). */
  g_object_set (delay, "bypass", FALSE, NULL);
  push_frames (h, in + frames / 2 * channels, frames / 2, channels, frames / 2);
  gst_harness_push_event (h, gst_event_new_eos ());
  out = pull_all (h, channels, &got);

  g_assert_cmpuint (got, ==, frames);
  for (guint i = 0; i < frames / 2 - latency; i++)
    g_assert_cmpfloat (out[2 * i], ==, in[2 * i]);
  for (guint i = frames / 2 + RATE / 50; i < frames; i++)
    g_assert_cmpfloat_with_epsilon (out[2 * i], 0.5f * in[2 * i], 1e-6);
  for (guint i = 1; i < frames; i++)
    {
      max_in_step = MAX (max_in_step, fabs (in[2 * i] - in[2 * i - 1]));
      max_out_step = MAX (max_out_step, fabs (out[2 * i] - out[2 * i - 1]));
    }
  /* No click: the crossfade adds no step larger than the signal's own. */
  g_assert_cmpfloat (max_out_step, <=, max_in_step * 1.01);
  gst_harness_teardown (h);
}

static void
test_non_finite_never_poisons (void)
{
  const guint channels = 1, latency = 50, frames = 2000;
  TestDelay *delay;
  GstHarness *h = make_harness (&delay, latency, channels, FALSE);
  g_autofree float *in = ramp (frames, channels);
  g_autofree float *out = NULL;
  gsize got = 0;
  guint resets_before;

  in[500] = NAN;
  in[501] = INFINITY;
  resets_before = delay->resets;
  push_frames (h, in, 1000, channels, 0);
  push_frames (h, in + 1000, 1000, channels, 1000);
  gst_harness_push_event (h, gst_event_new_eos ());
  out = pull_all (h, channels, &got);

  g_assert_cmpuint (got, ==, frames);
  for (guint i = 0; i < frames; i++)
    g_assert_true (isfinite (out[i]));
  g_assert_cmpuint (delay->resets, >, resets_before);
  /* Well after the bad samples have left the kernel, the output is right again. */
  for (guint i = 1000 + latency; i < frames; i++)
    g_assert_cmpfloat (out[i], ==, 0.5f * in[i]);
  gst_harness_teardown (h);
}

static void
test_silence_and_flush (void)
{
  const guint channels = 2, latency = 10, frames = 1024;
  TestDelay *delay;
  GstHarness *h = make_harness (&delay, latency, channels, FALSE);
  g_autofree float *zeros = g_new0 (float, frames * channels);
  g_autofree float *in = ramp (frames, channels);
  g_autofree float *out = NULL;
  gsize got = 0;

  push_frames (h, in, frames, channels, 0);
  /* A flush (seek) restarts the timeline and empties the kernel. */
  gst_harness_push_event (h, gst_event_new_flush_start ());
  gst_harness_push_event (h, gst_event_new_flush_stop (TRUE));
  {
    GstSegment segment;
    gst_segment_init (&segment, GST_FORMAT_TIME);
    gst_harness_push_event (h, gst_event_new_segment (&segment));
  }
  while (gst_harness_try_pull (h) != NULL)
    ;
  push_frames (h, zeros, frames, channels, 0);
  gst_harness_push_event (h, gst_event_new_eos ());
  out = pull_all (h, channels, &got);
  g_assert_cmpuint (got, ==, frames);
  for (guint i = 0; i < frames * channels; i++)
    g_assert_cmpfloat (out[i], ==, 0.0f);
  gst_harness_teardown (h);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lq/audio-filter/latency-compensated", test_latency_compensated_and_drained);
  g_test_add_func ("/lq/audio-filter/latency-query", test_latency_query);
  g_test_add_func ("/lq/audio-filter/bypass", test_bypass_is_exact_and_click_free);
  g_test_add_func ("/lq/audio-filter/non-finite", test_non_finite_never_poisons);
  g_test_add_func ("/lq/audio-filter/silence-and-flush", test_silence_and_flush);

  return g_test_run ();
}
