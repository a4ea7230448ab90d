/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The WAV writer, read back byte by byte against the RIFF layout and by GStreamer's
 * discoverer, and its all-or-nothing behaviour on failure. */
#include "config.h"

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>

#include "lq-wav.h"

static guint32
get_u32 (const guint8 *p)
{
  return p[0] | (p[1] << 8) | (p[2] << 16) | ((guint32) p[3] << 24);
}

static guint16
get_u16 (const guint8 *p)
{
  return p[0] | (p[1] << 8);
}

static void
test_wav_pcm24_layout (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lq-wav-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "t.wav", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *bytes = NULL;
  gsize len;
  /* Values with known 24-bit codes: 0.5 -> 0x400000, -1 -> 0x800000, 1 clamps to 0x7FFFFF. */
  const float samples[6] = { 0.5f, -1.0f, 1.0f, 0.0f, -0.5f, 1.0f / 8388608.0f };

  g_assert_true (lq_wav_write_file (file, samples, 3, 2, 44100, LQ_WAV_PCM24, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, (char **) &bytes, &len, NULL));

  g_assert_cmpmem (bytes, 4, "RIFF", 4);
  g_assert_cmpuint (get_u32 (bytes + 4), ==, len - 8);
  g_assert_cmpmem (bytes + 8, 4, "WAVE", 4);
  g_assert_cmpmem (bytes + 12, 4, "fmt ", 4);
  g_assert_cmpuint (get_u16 (bytes + 20), ==, 0xFFFE); /* WAVE_FORMAT_EXTENSIBLE */
  g_assert_cmpuint (get_u16 (bytes + 22), ==, 2);
  g_assert_cmpuint (get_u32 (bytes + 24), ==, 44100);
  g_assert_cmpuint (get_u32 (bytes + 28), ==, 44100 * 6);
  g_assert_cmpuint (get_u16 (bytes + 32), ==, 6);
  g_assert_cmpuint (get_u16 (bytes + 34), ==, 24);
  g_assert_cmpuint (get_u16 (bytes + 44), ==, 1); /* sub-format PCM */
  g_assert_cmpmem (bytes + 60, 4, "data", 4);
  g_assert_cmpuint (get_u32 (bytes + 64), ==, 18);
  g_assert_cmpuint (len, ==, 68 + 18);
  {
    const guint8 expected[18] = { 0x00, 0x00, 0x40, 0x00, 0x00, 0x80, 0xFF, 0xFF, 0x7F,
                                  0x00, 0x00, 0x00, 0x00, 0x00, 0xC0, 0x01, 0x00, 0x00 };
    g_assert_cmpmem (bytes + 68, 18, expected, 18);
  }
  g_unlink (path);
  g_rmdir (dir);
}

static void
test_wav_read_by_gstreamer (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lq-wav-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "t.wav", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstDiscoverer) disc = gst_discoverer_new (10 * GST_SECOND, NULL);
  g_autoptr(GstDiscovererInfo) info = NULL;
  g_autofree char *uri = g_file_get_uri (file);
  g_autofree float *audio = g_new0 (float, 48000 * 2);
  GList *streams;

  for (LqWavFormat fmt = LQ_WAV_PCM16; fmt <= LQ_WAV_FLOAT32; fmt++)
    {
      guint depth = fmt == LQ_WAV_PCM16 ? 16 : fmt == LQ_WAV_PCM24 ? 24 : 32;

      g_assert_true (lq_wav_write_file (file, audio, 48000, 2, 48000, fmt, NULL, &error));
      g_assert_no_error (error);
      info = gst_discoverer_discover_uri (disc, uri, &error);
      g_assert_no_error (error);
      streams = gst_discoverer_info_get_audio_streams (info);
      g_assert_nonnull (streams);
      g_assert_cmpuint (gst_discoverer_audio_info_get_sample_rate (streams->data), ==, 48000);
      g_assert_cmpuint (gst_discoverer_audio_info_get_channels (streams->data), ==, 2);
      g_assert_cmpuint (gst_discoverer_audio_info_get_depth (streams->data), ==, depth);
      g_assert_cmpuint (gst_discoverer_info_get_duration (info), ==, GST_SECOND);
      gst_discoverer_stream_info_list_free (streams);
      g_clear_object (&info);
    }
  g_unlink (path);
  g_rmdir (dir);
}

static guint
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d && g_dir_read_name (d))
    n++;
  return n;
}

static void
test_wav_failure_leaves_nothing (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lq-wav-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "t.wav", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", "t.wav", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFile) bad = g_file_new_for_path (missing);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  float audio[512] = { 0 };

  /* A folder that does not exist: a clear error naming it. */
  g_assert_false (lq_wav_write_file (bad, audio, 256, 2, 44100, LQ_WAV_PCM16, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "no-such-folder"));
  g_clear_error (&error);

  /* A cancelled write leaves no file and no temporary file. */
  g_cancellable_cancel (cancellable);
  g_assert_false (lq_wav_write_file (file, audio, 256, 2, 44100, LQ_WAV_PCM16, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (count_entries (dir), ==, 0);
  g_clear_error (&error);

  /* A failed rewrite keeps the earlier complete file. */
  g_assert_true (lq_wav_write_file (file, audio, 256, 2, 44100, LQ_WAV_PCM16, NULL, &error));
  {
    g_autoptr(GCancellable) c2 = g_cancellable_new ();
    GStatBuf before, after;

    g_assert_cmpint (g_stat (path, &before), ==, 0);
    g_cancellable_cancel (c2);
    g_assert_false (lq_wav_write_file (file, audio, 128, 2, 44100, LQ_WAV_PCM16, c2, NULL));
    g_assert_cmpint (g_stat (path, &after), ==, 0);
    g_assert_cmpint (before.st_size, ==, after.st_size);
    g_assert_cmpuint (count_entries (dir), ==, 1);
  }
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/lq/wav/pcm24-layout", test_wav_pcm24_layout);
  g_test_add_func ("/lq/wav/read-by-gstreamer", test_wav_read_by_gstreamer);
  g_test_add_func ("/lq/wav/failure-leaves-nothing", test_wav_failure_leaves_nothing);

  return g_test_run ();
}
