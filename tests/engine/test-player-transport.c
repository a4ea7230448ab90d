/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's transport over the live player (no display needed): while playing into a
 * clock-synced fakesink, a parameter edit followed by lq_transport_invalidate() keeps the same
 * player (it goes through lq_player_sync()), a structural edit makes a new one shortly, at
 * the position reached; the output device follows the `audio-device` setting unless one is
 * set on the transport. */
#define G_LOG_DOMAIN "lq-test-player-transport"

#include "config.h"

#include <glib/gstdio.h>

#include "lq-elements.h"
#include "lq-synth.h"
#include "lq-transport.h"
#include "lq-wav.h"

#define RATE 44100
#define SECONDS 6

static gboolean
quit_cb (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

static void
run_for (guint ms)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);

  g_timeout_add (ms, quit_cb, loop);
  g_main_loop_run (loop);
}

static void
test_live_edit (void)
{
  g_autofree char *dir = g_dir_make_tmp ("lq-player-transport-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "sine.wav", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree float *audio = g_new (float, 2 * SECONDS * RATE);
  g_autoptr(LqProject) project = lq_project_new ();
  g_autoptr(LqTrack) track = NULL;
  g_autoptr(LqChainElement) gain = lq_chain_element_new ("lqgain");
  g_autoptr(LqChainElement) limiter = lq_chain_element_new ("lqlimiter");
  g_autoptr(LqTransport) transport = lq_transport_new ();
  g_autoptr(GError) error = NULL;
  LqPlayer *player;
  guint64 before;

  lq_synth_sine (audio, SECONDS * RATE, 2, RATE, 440.0, 0.3, 0.0);
  g_assert_true (lq_wav_write_file (file, audio, SECONDS * RATE, 2, RATE, LQ_WAV_FLOAT32, NULL, NULL));
  track = lq_track_new (file);
  g_assert_true (lq_track_probe (track, NULL, NULL));
  lq_chain_append (lq_track_get_chain (track), gain);
  lq_project_append_track (project, track);

  lq_transport_set_project (transport, project);
  lq_transport_set_sink (transport, "fakesink sync=true");
  g_assert_true (lq_transport_play (transport, &error));
  g_assert_no_error (error);
  run_for (300);
  player = lq_transport_get_player (transport);
  g_assert_nonnull (player);

  /* A parameter edit: the same player plays on */
  lq_chain_element_set (gain, "gain", "-6");
  lq_transport_invalidate (transport);
  run_for (400);
  g_assert_true (lq_transport_get_player (transport) == player);
  g_assert_true (lq_transport_get_playing (transport));

  /* A structural edit: a new player, from about where the old one was */
  lq_chain_append (lq_track_get_chain (track), limiter);
  before = lq_transport_get_position (transport);
  lq_transport_invalidate (transport);
  run_for (600);
  g_assert_true (lq_transport_get_player (transport) != player);
  g_assert_true (lq_transport_get_playing (transport));
  g_assert_cmpuint (lq_transport_get_position (transport), >=, before);
  lq_transport_stop (transport);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_device_setting (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = source ? g_settings_schema_source_lookup (source, APP_ID, TRUE) : NULL;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(LqTransport) transport = NULL;
  g_autofree char *device = NULL;

  if (schema == NULL)
    {
      g_test_skip ("the application's settings schema is not installed");
      return;
    }
  settings = g_settings_new (APP_ID);
  transport = lq_transport_new ();
  device = lq_transport_dup_device (transport);
  g_assert_cmpstr (device, ==, "");
  g_clear_pointer (&device, g_free);
  g_settings_set_string (settings, "audio-device", "alsa_output.usb");
  device = lq_transport_dup_device (transport);
  g_assert_cmpstr (device, ==, "alsa_output.usb");
  g_clear_pointer (&device, g_free);
  lq_transport_set_device (transport, "hw:1");
  device = lq_transport_dup_device (transport);
  g_assert_cmpstr (device, ==, "hw:1");
  g_clear_pointer (&device, g_free);
  lq_transport_set_device (transport, NULL);
  device = lq_transport_dup_device (transport);
  g_assert_cmpstr (device, ==, "alsa_output.usb");
  g_settings_reset (settings, "audio-device");
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  lq_elements_init ();

  g_test_add_func ("/lq/player-transport/live-edit", test_live_edit);
  g_test_add_func ("/lq/player-transport/device-setting", test_device_setting);
  return g_test_run ();
}
