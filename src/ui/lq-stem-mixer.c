/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-stem-mixer"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "lq-chain-params.h"
#include "lq-element-card.h"
#include "lq-param-row.h"
#include "lq-stem-mixer.h"

/*
 * The mixer of a track made of stems: per stem its name, mute, solo and polarity buttons, gain
 * and pan, and a button that opens the stem's strip (lqstrip) in the same editors as the chain
 * (its EQ curve, its compressor curve). Every edit goes through LqHistory.
 *
 * lqstrip has no solo of its own, so solo works through mute: soloing stems mutes the others
 * and unmutes the soloed ones in one undo step; clearing the last solo puts every mute back as
 * it was. A mute changed by other means (an undo, another view) while something is soloed ends
 * the solo without touching the mutes.
 */

typedef struct
{
  LqStemMixer *mixer;     /* the mixer (not a reference) */
  LqChainElement *strip;  /* the stem's lqstrip settings (a reference) */
  GtkWidget *mute;        /* mute toggle */
  GtkWidget *solo;        /* solo toggle */
  GtkWidget *invert;      /* polarity toggle */
  GtkWidget *edit;        /* toggle revealing the strip editor */
  GtkWidget *revealer;    /* holds the strip's LqElementCard, made on first use */
  gboolean soloed;        /* the stem is soloed */
  gboolean saved_mute;    /* its mute before the first solo */
} StemRow;

struct _LqStemMixer
{
  GtkWidget parent_instance;

  LqHistory *history;  /* where edits go (a reference), or NULL */
  LqTrack *track;      /* the track whose stems are shown (a reference), or NULL */
  guint rate;          /* for the strips' EQ curves */
  GPtrArray *rows;     /* StemRow, one per stem */
  gboolean updating;   /* toggles are being set from the model */
  gboolean applying;   /* mutes are being set for a solo */

  GtkWidget *box;      /* the layout, our only child */
  GtkWidget *rows_box; /* the stems' sections */
};

G_DEFINE_FINAL_TYPE (LqStemMixer, lq_stem_mixer, GTK_TYPE_WIDGET)

static void
stem_row_free (StemRow *row)
{
  g_signal_handlers_disconnect_by_data (row->strip, row);
  g_clear_object (&row->strip);
  g_free (row);
}

static gboolean
get_bool (LqChainElement *strip,
          const char     *property)
{
  return lq_chain_params_get_double (strip, property) != 0.0;
}

static gboolean
any_soloed (LqStemMixer *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    if (((StemRow *) g_ptr_array_index (self->rows, i))->soloed)
      return TRUE;
  return FALSE;
}

static void
sync_toggles (LqStemMixer *self)
{
  self->updating = TRUE;
  for (guint i = 0; i < self->rows->len; i++)
    {
      StemRow *row = g_ptr_array_index (self->rows, i);

      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (row->mute), get_bool (row->strip, "mute"));
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (row->invert), get_bool (row->strip, "invert"));
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (row->solo), row->soloed);
    }
  self->updating = FALSE;
}

static void
set_bool (LqStemMixer    *self,
          LqChainElement *strip,
          const char     *property,
          gboolean        value)
{
  lq_chain_params_set_double (self->history, strip, property, value ? 1.0 : 0.0);
}

static void
strip_changed_cb (LqChainElement *strip,
                  const char     *property,
                  StemRow        *row)
{
  LqStemMixer *self = row->mixer;

  if (g_strcmp0 (property, "mute") == 0 && !self->applying && any_soloed (self))
    {
      gboolean pattern = TRUE;

      for (guint i = 0; i < self->rows->len; i++)
        {
          StemRow *r = g_ptr_array_index (self->rows, i);

          pattern &= get_bool (r->strip, "mute") == !r->soloed;
        }
      if (!pattern)
        for (guint i = 0; i < self->rows->len; i++)
          ((StemRow *) g_ptr_array_index (self->rows, i))->soloed = FALSE;
    }
  sync_toggles (self);
}

static void
mute_toggled_cb (GtkToggleButton *button,
                 StemRow         *row)
{
  if (row->mixer->updating)
    return;
  set_bool (row->mixer, row->strip, "mute", gtk_toggle_button_get_active (button));
}

static void
invert_toggled_cb (GtkToggleButton *button,
                   StemRow         *row)
{
  if (row->mixer->updating)
    return;
  set_bool (row->mixer, row->strip, "invert", gtk_toggle_button_get_active (button));
}

static void
solo_toggled_cb (GtkToggleButton *button,
                 StemRow         *row)
{
  LqStemMixer *self = row->mixer;
  guint index;

  if (self->updating || !g_ptr_array_find (self->rows, row, &index))
    return;
  lq_stem_mixer_set_solo (self, index, gtk_toggle_button_get_active (button));
}

static void
edit_toggled_cb (GtkToggleButton *button,
                 StemRow         *row)
{
  gboolean open = gtk_toggle_button_get_active (button);

  if (open && gtk_revealer_get_child (GTK_REVEALER (row->revealer)) == NULL)
    {
      GtkWidget *card = lq_element_card_new (row->strip, NULL, row->mixer->history);

      lq_element_card_set_rate (LQ_ELEMENT_CARD (card), row->mixer->rate);
      lq_element_card_set_expanded (LQ_ELEMENT_CARD (card), TRUE);
      gtk_widget_set_margin_top (card, 6);
      gtk_revealer_set_child (GTK_REVEALER (row->revealer), card);
    }
  gtk_revealer_set_reveal_child (GTK_REVEALER (row->revealer), open);
}

static GtkWidget *
toggle_new (const char *text,
            const char *tooltip,
            const char *accessible)
{
  GtkWidget *button = gtk_toggle_button_new_with_label (text);

  gtk_widget_set_tooltip_text (button, tooltip);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  gtk_widget_add_css_class (button, "circular");
  return button;
}

static void
add_stem (LqStemMixer *self,
          LqStem      *stem)
{
  StemRow *row = g_new0 (StemRow, 1);
  GtkWidget *section = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *name, *param;
  g_autofree char *basename = g_file_get_basename (lq_stem_get_file (stem));
  g_autofree char *a = NULL;
  char *dot = strrchr (basename, '.');

  if (dot != NULL && dot != basename)
    *dot = '\0';
  row->mixer = self;
  row->strip = g_object_ref (lq_stem_get_strip (stem));

  name = gtk_label_new (basename);
  gtk_label_set_xalign (GTK_LABEL (name), 0.0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_widget_add_css_class (name, "heading");
  gtk_box_append (GTK_BOX (line), name);

  /* Translators: M is the mute button of a stem; %s is the stem's name */
  a = g_strdup_printf (_("Mute %s"), basename);
  row->mute = toggle_new (C_("stem", "M"), _("Mute"), a);
  g_free (a);
  a = g_strdup_printf (_("Solo %s"), basename);
  /* Translators: S is the solo button of a stem */
  row->solo = toggle_new (C_("stem", "S"), _("Solo: hear only the soloed stems"), a);
  g_free (a);
  a = g_strdup_printf (_("Invert the polarity of %s"), basename);
  /* Translators: the polarity button of a stem */
  row->invert = toggle_new (C_("stem", "Ø"), _("Invert the polarity"), a);
  g_free (a);
  a = g_strdup_printf (_("EQ and compressor of %s"), basename);
  row->edit = gtk_toggle_button_new ();
  gtk_button_set_icon_name (GTK_BUTTON (row->edit), "emblem-system-symbolic");
  gtk_widget_set_valign (row->edit, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (row->edit, _("EQ and Compressor"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row->edit), GTK_ACCESSIBLE_PROPERTY_LABEL, a, -1);
  gtk_widget_add_css_class (row->edit, "flat");
  gtk_box_append (GTK_BOX (line), row->mute);
  gtk_box_append (GTK_BOX (line), row->solo);
  gtk_box_append (GTK_BOX (line), row->invert);
  gtk_box_append (GTK_BOX (line), row->edit);
  gtk_box_append (GTK_BOX (section), line);

  if ((param = lq_param_row_new (row->strip, self->history, "gain", NULL)) != NULL)
    gtk_box_append (GTK_BOX (section), param);
  if ((param = lq_param_row_new (row->strip, self->history, "pan", NULL)) != NULL)
    gtk_box_append (GTK_BOX (section), param);

  row->revealer = gtk_revealer_new ();
  gtk_box_append (GTK_BOX (section), row->revealer);

  g_signal_connect (row->mute, "toggled", G_CALLBACK (mute_toggled_cb), row);
  g_signal_connect (row->solo, "toggled", G_CALLBACK (solo_toggled_cb), row);
  g_signal_connect (row->invert, "toggled", G_CALLBACK (invert_toggled_cb), row);
  g_signal_connect (row->edit, "toggled", G_CALLBACK (edit_toggled_cb), row);
  g_signal_connect (row->strip, "changed", G_CALLBACK (strip_changed_cb), row);

  gtk_box_append (GTK_BOX (self->rows_box), section);
  g_ptr_array_add (self->rows, row);
}

static void
rebuild (LqStemMixer *self)
{
  GtkWidget *child;
  GListModel *stems;

  while ((child = gtk_widget_get_first_child (self->rows_box)) != NULL)
    gtk_box_remove (GTK_BOX (self->rows_box), child);
  g_ptr_array_set_size (self->rows, 0);
  if (self->track == NULL)
    return;
  stems = lq_track_get_stems (self->track);
  for (guint i = 0; i < g_list_model_get_n_items (stems); i++)
    {
      g_autoptr(LqStem) stem = g_list_model_get_item (stems, i);

      add_stem (self, stem);
    }
  sync_toggles (self);
}

static void
stems_changed_cb (LqStemMixer *self)
{
  rebuild (self);
}

static void
lq_stem_mixer_dispose (GObject *object)
{
  LqStemMixer *self = LQ_STEM_MIXER (object);

  if (self->track != NULL)
    g_signal_handlers_disconnect_by_data (lq_track_get_stems (self->track), self);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_object (&self->track);
  g_clear_object (&self->history);

  G_OBJECT_CLASS (lq_stem_mixer_parent_class)->dispose (object);
}

static void
lq_stem_mixer_class_init (LqStemMixerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = lq_stem_mixer_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "stemmixer");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
lq_stem_mixer_init (LqStemMixer *self)
{
  GtkWidget *title;

  self->rate = 48000;
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) stem_row_free);
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_add_css_class (self->box, "card");
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));
  title = gtk_label_new (_("Stems"));
  gtk_label_set_xalign (GTK_LABEL (title), 0.0);
  gtk_widget_add_css_class (title, "title-4");
  gtk_widget_set_margin_start (title, 12);
  gtk_widget_set_margin_top (title, 12);
  gtk_box_append (GTK_BOX (self->box), title);
  self->rows_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_start (self->rows_box, 12);
  gtk_widget_set_margin_end (self->rows_box, 12);
  gtk_widget_set_margin_bottom (self->rows_box, 12);
  gtk_box_append (GTK_BOX (self->box), self->rows_box);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Stems"), -1);
}

/**
 * lq_stem_mixer_new:
 * @history: (nullable): where edits are recorded
 *
 * Returns: (transfer floating): the mixer, empty until a track is set
 */
GtkWidget *
lq_stem_mixer_new (LqHistory *history)
{
  LqStemMixer *self = g_object_new (LQ_TYPE_STEM_MIXER, NULL);

  self->history = history != NULL ? g_object_ref (history) : NULL;
  return GTK_WIDGET (self);
}

void
lq_stem_mixer_set_history (LqStemMixer *self,
                           LqHistory   *history)
{
  g_return_if_fail (LQ_IS_STEM_MIXER (self));

  if (g_set_object (&self->history, history))
    rebuild (self);
}

/**
 * lq_stem_mixer_set_track:
 * @track: (nullable): a track made of stems
 */
void
lq_stem_mixer_set_track (LqStemMixer *self,
                         LqTrack     *track)
{
  g_return_if_fail (LQ_IS_STEM_MIXER (self));
  g_return_if_fail (track == NULL || LQ_IS_TRACK (track));

  if (self->track == track)
    return;
  if (self->track != NULL)
    g_signal_handlers_disconnect_by_data (lq_track_get_stems (self->track), self);
  g_set_object (&self->track, track);
  if (track != NULL)
    g_signal_connect_object (lq_track_get_stems (track), "items-changed", G_CALLBACK (stems_changed_cb), self,
                             G_CONNECT_SWAPPED);
  rebuild (self);
}

/**
 * lq_stem_mixer_get_track:
 *
 * Returns: (transfer none) (nullable): the track
 */
LqTrack *
lq_stem_mixer_get_track (LqStemMixer *self)
{
  g_return_val_if_fail (LQ_IS_STEM_MIXER (self), NULL);
  return self->track;
}

void
lq_stem_mixer_set_rate (LqStemMixer *self,
                        guint        rate)
{
  g_return_if_fail (LQ_IS_STEM_MIXER (self));

  self->rate = rate;
  for (guint i = 0; i < self->rows->len; i++)
    {
      StemRow *row = g_ptr_array_index (self->rows, i);
      GtkWidget *card = gtk_revealer_get_child (GTK_REVEALER (row->revealer));

      if (card != NULL)
        lq_element_card_set_rate (LQ_ELEMENT_CARD (card), rate);
    }
}

gboolean
lq_stem_mixer_get_solo (LqStemMixer *self,
                        guint        stem)
{
  g_return_val_if_fail (LQ_IS_STEM_MIXER (self), FALSE);
  g_return_val_if_fail (stem < self->rows->len, FALSE);

  return ((StemRow *) g_ptr_array_index (self->rows, stem))->soloed;
}

/**
 * lq_stem_mixer_set_solo:
 *
 * Solos or unsolos a stem: the stems' mutes become "only the soloed ones play" (or, when no
 * stem stays soloed, what they were before the first solo), as one undo step.
 */
void
lq_stem_mixer_set_solo (LqStemMixer *self,
                        guint        stem,
                        gboolean     solo)
{
  StemRow *row;
  gboolean before, after;

  g_return_if_fail (LQ_IS_STEM_MIXER (self));
  g_return_if_fail (stem < self->rows->len);

  row = g_ptr_array_index (self->rows, stem);
  if (row->soloed == !!solo)
    return;
  before = any_soloed (self);
  if (!before)
    for (guint i = 0; i < self->rows->len; i++)
      {
        StemRow *r = g_ptr_array_index (self->rows, i);

        r->saved_mute = get_bool (r->strip, "mute");
      }
  row->soloed = !!solo;
  after = any_soloed (self);

  self->applying = TRUE;
  if (self->history != NULL)
    lq_history_begin_group (self->history, after ? _("Solo") : _("Clear Solo"));
  for (guint i = 0; i < self->rows->len; i++)
    {
      StemRow *r = g_ptr_array_index (self->rows, i);

      set_bool (self, r->strip, "mute", after ? !r->soloed : r->saved_mute);
    }
  if (self->history != NULL)
    lq_history_end_group (self->history);
  self->applying = FALSE;
  sync_toggles (self);
}
