/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "lq-application.h"
#include "lq-history.h"
#include "lq-project.h"
#include "lq-transport.h"

G_BEGIN_DECLS

#define LQ_TYPE_WINDOW (lq_window_get_type ())

G_DECLARE_FINAL_TYPE (LqWindow, lq_window, LQ, WINDOW, AdwApplicationWindow)

/*
 * The workspace: the header bar (open with recent projects, save, add tracks, undo/redo,
 * transport and position, the A/B area `ab_area` and the export menu for the listening and
 * delivery UI, the primary menu), the track list with the inspector, the album timeline, the
 * waveform, the meters area `meters_area` and the processing chain pane `chain_panel`.
 *
 * Keys (besides the application's accelerators; ignored while typing in a text field): Space
 * play/pause, J/K/L shuttle, Home/End, Page Up/Page Down previous/next track, Left/Right a
 * second back/forward (on the timeline and waveform), Alt+Up/Alt+Down move the selected track,
 * B toggles A/B (processed/unprocessed), R toggles between the album and the last selected
 * reference; F8 shows or hides the meters, F9 the processing chain.
 *
 * Listening state (properties with actions of the same name, "win.ab-side" ...): ab-side
 * ("processed" or "unprocessed"), match (loudness match), reference (index in the project's
 * references, -1 the album), reference-position ("shared" or "own"), show-meters, show-chain.
 * The window gives it to each player the transport makes, whose "meter" signal feeds the
 * meters.
 *
 * The audio output is LACQUER_AUDIO_SINK (a GStreamer bin description, e.g. "fakesink
 * sync=true") when set, else the GSettings key audio-sink.
 */

LqWindow    *lq_window_new           (LqApplication *application);
LqProject   *lq_window_get_project   (LqWindow      *self);
LqHistory   *lq_window_get_history   (LqWindow      *self);
LqTransport *lq_window_get_transport (LqWindow      *self);
void         lq_window_add_files     (LqWindow      *self,
                                      GFile        **files,
                                      guint          n_files);
void         lq_window_set_project   (LqWindow      *self,
                                      LqProject     *project);
void         lq_window_open_file     (LqWindow      *self,
                                      GFile         *file);
int          lq_window_get_selected  (LqWindow      *self);
void         lq_window_offer_recovery (LqWindow     *self);

G_END_DECLS
