/* SPDX-License-Identifier: GPL-3.0-or-later */
/* lqdither as an element: its property names and enum nicks (what gst-launch users type),
 * GstHarness runs that give exact integer codes equal to the kernel's (what an exporter
 * writes), silence in -> silence out, and no latency. */
#include "config.h"

#include <math.h>
#include <string.h>

#include <gst/audio/audio.h>
#include <gst/check/gstharness.h>
#include <gst/gst.h>

#include "lq-dither.h"
#include "lq-elements.h"
#include "lq-synth.h"

#define RATE 44100
#define CAPS_STEREO "audio/x-raw, format=(string)" GST_AUDIO_NE (F32) ", rate=(int)44100, channels=(int)2, layout=(string)interleaved"

static float *
run_element (GstHarness *h, const float *in, gsize frames, gsize block)
{
  float *out = g_new0 (float, frames * 2);
  gsize got = 0;
  GstBuffer *buf;

  gst_harness_set_src_caps_str (h, CAPS_STEREO);
  for (gsize done = 0; done < frames; done += block)
    {
      gsize n = MIN (block, frames - done);
      GstBuffer *b = gst_buffer_new_memdup (in + done * 2, n * 2 * sizeof (float));

      GST_BUFFER_PTS (b) = gst_util_uint64_scale_int_round (done, GST_SECOND, RATE);
      GST_BUFFER_DURATION (b) = gst_util_uint64_scale_int_round (n, GST_SECOND, RATE);
      g_assert_cmpint (gst_harness_push (h, b), ==, GST_FLOW_OK);
    }
  g_assert_true (gst_harness_push_event (h, gst_event_new_eos ()));
  while ((buf = gst_harness_try_pull (h)) != NULL)
    {
      gsize size = gst_buffer_get_size (buf);

      g_assert_cmpuint (got * 2 * sizeof (float) + size, <=, frames * 2 * sizeof (float));
      gst_buffer_extract (buf, 0, out + got * 2, size);
      got += size / (2 * sizeof (float));
      gst_buffer_unref (buf);
    }
  g_assert_cmpuint (got, ==, frames);
  return out;
}

static void
test_properties (void)
{
  g_autoptr(GstElement) e = gst_element_factory_make ("lqdither", NULL);
  GObjectClass *klass;
  GParamSpec *pspec;
  GEnumClass *enum_class;
  const char *nicks[] = { "none", "first-order", "lipshitz" };

  g_assert_nonnull (e);
  klass = G_OBJECT_GET_CLASS (e);
  pspec = g_object_class_find_property (klass, "bits");
  g_assert_true (G_IS_PARAM_SPEC_INT (pspec));
  g_assert_cmpint (G_PARAM_SPEC_INT (pspec)->minimum, ==, 16);
  g_assert_cmpint (G_PARAM_SPEC_INT (pspec)->maximum, ==, 24);
  g_assert_cmpint (G_PARAM_SPEC_INT (pspec)->default_value, ==, 16);
  pspec = g_object_class_find_property (klass, "noise-shaping");
  g_assert_true (G_IS_PARAM_SPEC_ENUM (pspec));
  enum_class = G_PARAM_SPEC_ENUM (pspec)->enum_class;
  for (guint i = 0; i < G_N_ELEMENTS (nicks); i++)
    g_assert_nonnull (g_enum_get_value_by_nick (enum_class, nicks[i]));
  g_assert_cmpint (G_PARAM_SPEC_ENUM (pspec)->default_value, ==, g_enum_get_value_by_nick (enum_class, "none")->value);
  g_assert_true (G_IS_PARAM_SPEC_UINT64 (g_object_class_find_property (klass, "seed")));
  g_assert_true (G_IS_PARAM_SPEC_BOOLEAN (g_object_class_find_property (klass, "mute-silence")));
  g_assert_true (G_IS_PARAM_SPEC_BOOLEAN (g_object_class_find_property (klass, "bypass")));
}

/* Through the element, set up from a launch line with the enum nick: every sample is an
 * integer code / 2^(bits-1), and the codes are exactly what the kernel gives an exporter
 * (lq_dither_process_s32) for the same input and seed. */
static void
test_codes (void)
{
  const struct { int bits; const char *shape; LqDitherShape kshape; } cases[] = {
    { 16, "lipshitz", LQ_DITHER_SHAPE_LIPSHITZ },
    { 24, "none", LQ_DITHER_SHAPE_NONE },
    { 16, "first-order", LQ_DITHER_SHAPE_FIRST_ORDER },
  };
  const gsize frames = RATE * 2;
  g_autofree float *in = g_new (float, frames * 2);

  lq_synth_demo_render (0, RATE, in, frames);
  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree char *desc = g_strdup_printf ("lqdither bits=%d noise-shaping=%s seed=7", cases[c].bits, cases[c].shape);
      GstHarness *h = gst_harness_new_parse (desc);
      g_autofree float *out = run_element (h, in, frames, 1000);
      g_autofree int32_t *codes = g_new (int32_t, frames * 2);
      LqDither *d = lq_dither_new (RATE, 2);
      const double scale = ldexp (1.0, cases[c].bits - 1);

      gst_harness_teardown (h);
      lq_dither_set_bits (d, cases[c].bits);
      lq_dither_set_shape (d, cases[c].kshape);
      lq_dither_set_seed (d, 7);
      lq_dither_process_s32 (d, in, codes, frames);
      lq_dither_free (d);
      for (gsize i = 0; i < frames * 2; i++)
        {
          double code = (double) out[i] * scale;

          g_assert_cmpfloat (code, ==, floor (code));
          g_assert_cmpint ((int32_t) code, ==, codes[i]);
        }
    }
}

/* Silence in, silence out (exact zeros, not dither hiss), and no latency. */
static void
test_silence_and_latency (void)
{
  const gsize frames = RATE;
  g_autofree float *in = g_new0 (float, frames * 2);
  g_autofree float *out = NULL;
  GstHarness *h = gst_harness_new ("lqdither");

  out = run_element (h, in, frames, 512);
  g_assert_cmpuint (gst_harness_query_latency (h), ==, 0);
  gst_harness_teardown (h);
  for (gsize i = 0; i < frames * 2; i++)
    g_assert_cmpfloat (out[i], ==, 0.0f);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  lq_elements_init ();

  g_test_add_func ("/lq/gst/dither/properties", test_properties);
  g_test_add_func ("/lq/gst/dither/codes", test_codes);
  g_test_add_func ("/lq/gst/dither/silence-and-latency", test_silence_and_latency);

  return g_test_run ();
}
