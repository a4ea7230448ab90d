/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "lq-chain-panel"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "lq-chain-panel.h"
#include "lq-chain-snapshot.h"
#include "lq-chain-params.h"
#include "lq-element-card.h"
#include "lq-stem-mixer.h"

/* The elements the Add menu offers, in the order of a usual mastering chain. */
static const char *const addable[] = {
  "lqeq", "lqcompressor", "lqmultiband", "lqimager", "lqlimiter", "lqdither",
};

struct _LqChainPanel
{
  GtkWidget parent_instance;

  LqHistory *history;      /* where every edit goes (a reference), or NULL */
  LqProject *project;      /* the project whose chains are shown (a reference), or NULL */
  LqTrack *track;          /* the selected track (a reference), or NULL */
  gboolean show_master;    /* the project's master chain rather than the track's */
  LqChain *chain;          /* the chain shown (a reference), or NULL */
  char *title;             /* the title of a chain given with set_chain() */
  guint rate;              /* the stream's rate, for the curves */
  GHashTable *cards;       /* LqChainElement -> its LqElementCard (in card_box) */
  GHashTable *live;        /* LqChainElement (a reference) -> the running GstElement (a reference) */
  GtkWidget *stem_mixer;   /* LqStemMixer, made for the first track with stems */

  /* Template widgets */
  GtkWidget *box;
  GtkWidget *header;
  GtkWidget *target_box;
  GtkToggleButton *track_button;
  GtkToggleButton *master_button;
  GtkLabel *title_label;
  GtkMenuButton *add_button;
  GtkWidget *scroller;
  GtkWidget *content;
  GtkWidget *stem_box;
  GtkWidget *card_box;
  GtkWidget *empty_page;
  GtkWidget *snapshot_box;
};

G_DEFINE_FINAL_TYPE (LqChainPanel, lq_chain_panel, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_HISTORY,
  PROP_PROJECT,
  PROP_TRACK,
  PROP_SHOW_MASTER,
  PROP_CHAIN,
  PROP_RATE,
  PROP_SNAPSHOT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void show_chain (LqChainPanel *self, LqChain *chain);

/* Stores the chain's settings as the snapshot it holds and recalls snapshot @index (the first
 * time a copy of the current settings), on the chain's own elements when its structure is the
 * same, as one undoable step. The chain keeps the other snapshot (lq_chain_set_snapshots()), so
 * it is saved with the project. */
static void
switch_snapshot (LqChainPanel *self,
                 int           index)
{
  g_autoptr(LqChainSnapshot) held = NULL;
  g_autoptr(LqChainSnapshot) other = NULL;
  g_autofree char *stored = NULL;
  const char *text;

  if (self->chain == NULL || index < 0 || index > 1 || lq_chain_get_snapshots (self->chain, &text) == index)
    return;
  other = text != NULL ? lq_chain_snapshot_new_from_string (text, NULL) : NULL;
  held = lq_chain_snapshot_new (self->chain);
  stored = lq_chain_snapshot_to_string (held);
  lq_chain_set_snapshots (self->chain, index, stored);
  if (other != NULL)
    {
      /* Translators: an undoable step: recalling chain settings A or B */
      g_autofree char *label = g_strdup_printf (_("Recall Settings %s"), index == 0 ? "A" : "B");
      lq_chain_snapshot_recall (other, self->chain, self->history, label);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SNAPSHOT]);
}

static int
get_snapshot (LqChainPanel *self)
{
  return self->chain != NULL ? lq_chain_get_snapshots (self->chain, NULL) : 0;
}

static void
update_position_state (LqChainPanel *self)
{
  GHashTableIter iter;
  gpointer card;

  g_hash_table_iter_init (&iter, self->cards);
  while (g_hash_table_iter_next (&iter, NULL, &card))
    lq_element_card_update_position (card);
}

/* Makes the cards match the chain: reuses the card of an element still there (keeping its
 * state and focus), adds cards for new elements and drops the others. */
static void
sync_cards (LqChainPanel *self)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  GtkWidget *previous = NULL;
  guint n = self->chain != NULL ? lq_chain_get_n_elements (self->chain) : 0;
  GHashTableIter iter;
  gpointer element, card;

  for (guint i = 0; i < n; i++)
    {
      LqChainElement *e = lq_chain_get_element (self->chain, i);

      card = g_hash_table_lookup (self->cards, e);
      if (card == NULL)
        {
          card = lq_element_card_new (e, self->chain, self->history);
          lq_element_card_set_rate (card, self->rate);
          lq_element_card_set_live_element (card, g_hash_table_lookup (self->live, e));
          g_hash_table_insert (self->cards, e, card);
          gtk_box_insert_child_after (GTK_BOX (self->card_box), card, previous);
        }
      else
        {
          gtk_box_reorder_child_after (GTK_BOX (self->card_box), card, previous);
        }
      g_hash_table_add (seen, e);
      previous = card;
    }
  g_hash_table_iter_init (&iter, self->cards);
  while (g_hash_table_iter_next (&iter, &element, &card))
    if (!g_hash_table_contains (seen, element))
      {
        gtk_box_remove (GTK_BOX (self->card_box), card);
        g_hash_table_iter_remove (&iter);
      }
  update_position_state (self);
  if (self->chain == NULL && self->project != NULL)
    {
      adw_status_page_set_icon_name (ADW_STATUS_PAGE (self->empty_page), "view-list-symbolic");
      adw_status_page_set_title (ADW_STATUS_PAGE (self->empty_page), _("No Track Selected"));
      adw_status_page_set_description (ADW_STATUS_PAGE (self->empty_page),
                                       _("Select a track to shape its sound, or switch to the album’s master processing"));
    }
  else
    {
      adw_status_page_set_icon_name (ADW_STATUS_PAGE (self->empty_page), "list-add-symbolic");
      adw_status_page_set_title (ADW_STATUS_PAGE (self->empty_page), _("No Processing"));
      adw_status_page_set_description (ADW_STATUS_PAGE (self->empty_page),
                                       _("Add an equalizer, a compressor or a limiter with the + button"));
    }
  gtk_widget_set_visible (self->empty_page, (self->chain != NULL || self->project != NULL) && n == 0);
  gtk_widget_set_visible (self->card_box, n > 0);
}

static void
chain_items_changed_cb (LqChainPanel *self,
                        guint         position,
                        guint         removed,
                        guint         added,
                        GListModel   *model)
{
  sync_cards (self);
}

static void
update_title (LqChainPanel *self)
{
  const char *title = NULL;
  g_autofree char *owned = NULL;

  if (self->project != NULL && self->show_master)
    title = _("Album Master");
  else if (self->project != NULL && self->track != NULL)
    title = lq_track_get_title (self->track);
  else if (self->project != NULL)
    title = _("No Track Selected");
  else
    title = self->title;
  gtk_label_set_label (self->title_label, title != NULL ? title : "");
  /* Translators: the chain panel's name for screen readers, as in "Processing: Album Master" */
  owned = g_strdup_printf (_("Processing: %s"), title != NULL ? title : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, owned, -1);
}

static void
update_stems (LqChainPanel *self)
{
  gboolean stems = !self->show_master && self->track != NULL
                   && g_list_model_get_n_items (lq_track_get_stems (self->track)) > 0;

  if (stems && self->stem_mixer == NULL)
    {
      self->stem_mixer = lq_stem_mixer_new (self->history);
      lq_stem_mixer_set_rate (LQ_STEM_MIXER (self->stem_mixer), self->rate);
      gtk_box_append (GTK_BOX (self->stem_box), self->stem_mixer);
    }
  if (self->stem_mixer != NULL)
    lq_stem_mixer_set_track (LQ_STEM_MIXER (self->stem_mixer), stems ? self->track : NULL);
  gtk_widget_set_visible (self->stem_box, stems);
}

/* Shows the chain the project, track and switch select. */
static void
update_from_project (LqChainPanel *self)
{
  LqChain *chain = NULL;

  if (self->project == NULL)
    return;
  if (self->show_master)
    chain = lq_project_get_master (self->project);
  else if (self->track != NULL)
    chain = lq_track_get_chain (self->track);
  show_chain (self, chain);
  update_stems (self);
  update_title (self);
}

static void
show_chain (LqChainPanel *self,
            LqChain      *chain)
{
  GHashTableIter iter;
  gpointer card;

  if (chain == self->chain)
    return;
  if (self->chain != NULL)
    g_signal_handlers_disconnect_by_data (self->chain, self);
  /* A new chain: new cards. */
  g_hash_table_iter_init (&iter, self->cards);
  while (g_hash_table_iter_next (&iter, NULL, &card))
    gtk_box_remove (GTK_BOX (self->card_box), card);
  g_hash_table_remove_all (self->cards);
  g_set_object (&self->chain, chain);
  if (chain != NULL)
    g_signal_connect_object (chain, "items-changed", G_CALLBACK (chain_items_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), chain != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chain.add", chain != NULL);
  gtk_widget_set_visible (self->snapshot_box, chain != NULL);
  sync_cards (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHAIN]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SNAPSHOT]);
}

static void
target_toggled_cb (LqChainPanel *self)
{
  lq_chain_panel_set_show_master (self, gtk_toggle_button_get_active (self->master_button));
}

static void
track_title_cb (LqChainPanel *self)
{
  update_title (self);
}

/* Where a new element goes: at the end, but before a dither that ends the chain (the dither
 * must stay last). */
static guint
insert_position (LqChain    *chain,
                 const char *factory)
{
  guint n = lq_chain_get_n_elements (chain);

  if (n > 0 && !g_str_equal (factory, "lqdither")
      && g_strcmp0 (lq_chain_element_get_factory (lq_chain_get_element (chain, n - 1)), "lqdither") == 0)
    return n - 1;
  return n;
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  LqChainPanel *self = LQ_CHAIN_PANEL (widget);
  const char *factory = g_variant_get_string (parameter, NULL);
  g_autoptr(LqChainElement) element = NULL;
  guint position;
  GtkWidget *card;

  if (self->chain == NULL || lq_chain_params_get_prototype (factory) == NULL)
    return;
  element = lq_chain_presets_new_element (factory);
  position = insert_position (self->chain, factory);
  if (self->history != NULL)
    {
      g_autofree char *title = lq_chain_params_get_title (factory);
      /* Translators: an undo step, as in "Undo Add Limiter" */
      g_autofree char *label = g_strdup_printf (_("Add %s"), title);

      lq_history_chain_insert (self->history, self->chain, position, element, label);
    }
  else
    {
      lq_chain_insert (self->chain, position, element);
    }
  /* The new element's card shows its settings and takes the focus. */
  card = g_hash_table_lookup (self->cards, element);
  if (card != NULL)
    {
      lq_element_card_set_expanded (LQ_ELEMENT_CARD (card), TRUE);
      gtk_widget_grab_focus (card);
    }
}

static GMenuModel *
build_add_menu (void)
{
  GMenu *menu = g_menu_new ();

  for (guint i = 0; i < G_N_ELEMENTS (addable); i++)
    {
      g_autoptr(GMenuItem) item = NULL;
      g_autofree char *title = NULL;

      if (lq_chain_params_get_prototype (addable[i]) == NULL)
        continue;
      title = lq_chain_params_get_title (addable[i]);
      item = g_menu_item_new (title, NULL);
      g_menu_item_set_action_and_target_value (item, "chain.add", g_variant_new_string (addable[i]));
      g_menu_append_item (menu, item);
    }
  return G_MENU_MODEL (menu);
}

static void
lq_chain_panel_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  LqChainPanel *self = LQ_CHAIN_PANEL (object);

  switch (prop_id)
    {
    case PROP_HISTORY:
      g_value_set_object (value, self->history);
      break;
    case PROP_PROJECT:
      g_value_set_object (value, self->project);
      break;
    case PROP_TRACK:
      g_value_set_object (value, self->track);
      break;
    case PROP_SHOW_MASTER:
      g_value_set_boolean (value, self->show_master);
      break;
    case PROP_CHAIN:
      g_value_set_object (value, self->chain);
      break;
    case PROP_RATE:
      g_value_set_uint (value, self->rate);
      break;
    case PROP_SNAPSHOT:
      g_value_set_int (value, get_snapshot (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_chain_panel_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  LqChainPanel *self = LQ_CHAIN_PANEL (object);

  switch (prop_id)
    {
    case PROP_HISTORY:
      lq_chain_panel_set_history (self, g_value_get_object (value));
      break;
    case PROP_PROJECT:
      lq_chain_panel_set_project (self, g_value_get_object (value));
      break;
    case PROP_TRACK:
      lq_chain_panel_set_track (self, g_value_get_object (value));
      break;
    case PROP_SHOW_MASTER:
      lq_chain_panel_set_show_master (self, g_value_get_boolean (value));
      break;
    case PROP_RATE:
      lq_chain_panel_set_rate (self, g_value_get_uint (value));
      break;
    case PROP_SNAPSHOT:
      switch_snapshot (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
lq_chain_panel_dispose (GObject *object)
{
  LqChainPanel *self = LQ_CHAIN_PANEL (object);

  if (self->chain != NULL)
    g_signal_handlers_disconnect_by_data (self->chain, self);
  if (self->track != NULL)
    g_signal_handlers_disconnect_by_data (self->track, self);
  if (self->cards != NULL)
    g_hash_table_remove_all (self->cards);
  gtk_widget_dispose_template (GTK_WIDGET (self), LQ_TYPE_CHAIN_PANEL);
  self->stem_mixer = NULL;
  g_clear_pointer (&self->live, g_hash_table_unref);
  g_clear_object (&self->chain);
  g_clear_object (&self->track);
  g_clear_object (&self->project);
  g_clear_object (&self->history);

  G_OBJECT_CLASS (lq_chain_panel_parent_class)->dispose (object);
}

static void
lq_chain_panel_finalize (GObject *object)
{
  LqChainPanel *self = LQ_CHAIN_PANEL (object);

  g_clear_pointer (&self->cards, g_hash_table_unref);
  g_free (self->title);

  G_OBJECT_CLASS (lq_chain_panel_parent_class)->finalize (object);
}

static void
lq_chain_panel_class_init (LqChainPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = lq_chain_panel_get_property;
  object_class->set_property = lq_chain_panel_set_property;
  object_class->dispose = lq_chain_panel_dispose;
  object_class->finalize = lq_chain_panel_finalize;

  properties[PROP_HISTORY] =
    g_param_spec_object ("history", NULL, NULL, LQ_TYPE_HISTORY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROJECT] =
    g_param_spec_object ("project", NULL, NULL, LQ_TYPE_PROJECT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TRACK] =
    g_param_spec_object ("track", NULL, NULL, LQ_TYPE_TRACK,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SHOW_MASTER] =
    g_param_spec_boolean ("show-master", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CHAIN] =
    g_param_spec_object ("chain", NULL, NULL, LQ_TYPE_CHAIN, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_RATE] =
    g_param_spec_uint ("rate", NULL, NULL, 8000, 384000, 48000,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * LqChainPanel:snapshot:
   *
   * The settings snapshot of the shown chain being edited: 0 for A, 1 for B. Setting it stores
   * the chain's settings in the other one and recalls this one (action "chain.snapshot").
   */
  properties[PROP_SNAPSHOT] =
    g_param_spec_int ("snapshot", NULL, NULL, 0, 1, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/lacquer/Lacquer/lq-chain-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, LqChainPanel, box);
  gtk_widget_class_bind_template_child (widget_class, LqChainPanel, header);
  gtk_widget_class_bind_template_child (widget_class, LqChainPanel, target_box);
  gtk_widget_class_bind_template_child (widget_class, LqChainPanel, track_button);
  gtk_widget_class_bind_template_child (widget_class, LqChainPanel, master_button);
  gtk_widget_class_bind_template_child (widget_class, LqChainPanel, title_label);
  gtk_widget_class_bind_template_child (widget_class, LqChainPanel, add_button);
  gtk_widget_class_bind_template_child (widget_class, LqChainPanel, scroller);
  gtk_widget_class_bind_template_child (widget_class, LqChainPanel, content);
  gtk_widget_class_bind_template_child (widget_class, LqChainPanel, stem_box);
  gtk_widget_class_bind_template_child (widget_class, LqChainPanel, card_box);
  gtk_widget_class_bind_template_child (widget_class, LqChainPanel, empty_page);
  gtk_widget_class_bind_template_child (widget_class, LqChainPanel, snapshot_box);

  gtk_widget_class_install_action (widget_class, "chain.add", "s", add_action);
  gtk_widget_class_install_property_action (widget_class, "chain.snapshot", "snapshot");

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "chainpanel");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
lq_chain_panel_init (LqChainPanel *self)
{
  g_autoptr(GMenuModel) menu = NULL;

  self->rate = 48000;
  self->cards = g_hash_table_new (NULL, NULL);
  self->live = g_hash_table_new_full (NULL, NULL, g_object_unref, gst_object_unref);
  gtk_widget_init_template (GTK_WIDGET (self));

  menu = build_add_menu ();
  gtk_menu_button_set_menu_model (self->add_button, menu);
  g_signal_connect_swapped (self->master_button, "toggled", G_CALLBACK (target_toggled_cb), self);
  show_chain (self, NULL);
  gtk_widget_set_visible (self->empty_page, FALSE);
  update_title (self);
}

/**
 * lq_chain_panel_new:
 *
 * Returns: (transfer floating): a panel showing no chain yet
 */
GtkWidget *
lq_chain_panel_new (void)
{
  return g_object_new (LQ_TYPE_CHAIN_PANEL, NULL);
}

/**
 * lq_chain_panel_set_history:
 * @history: (nullable): the project's history; every edit the panel makes is recorded in it
 *
 * Set it before a chain is shown: cards made earlier keep the history they were made with.
 */
void
lq_chain_panel_set_history (LqChainPanel *self,
                            LqHistory    *history)
{
  g_autoptr(LqChain) chain = NULL;

  g_return_if_fail (LQ_IS_CHAIN_PANEL (self));
  g_return_if_fail (history == NULL || LQ_IS_HISTORY (history));

  if (!g_set_object (&self->history, history))
    return;
  /* Rebuild the cards with the new history. */
  chain = self->chain != NULL ? g_object_ref (self->chain) : NULL;
  show_chain (self, NULL);
  show_chain (self, chain);
  if (self->stem_mixer != NULL)
    lq_stem_mixer_set_history (LQ_STEM_MIXER (self->stem_mixer), history);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HISTORY]);
}

/**
 * lq_chain_panel_get_history:
 *
 * Returns: (transfer none) (nullable): the history
 */
LqHistory *
lq_chain_panel_get_history (LqChainPanel *self)
{
  g_return_val_if_fail (LQ_IS_CHAIN_PANEL (self), NULL);
  return self->history;
}

/**
 * lq_chain_panel_set_project:
 * @project: (nullable): the project; the panel then shows its master chain or the selected
 *   track's, with a Track/Master switch
 */
void
lq_chain_panel_set_project (LqChainPanel *self,
                            LqProject    *project)
{
  g_return_if_fail (LQ_IS_CHAIN_PANEL (self));
  g_return_if_fail (project == NULL || LQ_IS_PROJECT (project));

  if (!g_set_object (&self->project, project))
    return;
  if (self->track != NULL)
    lq_chain_panel_set_track (self, NULL);
  gtk_widget_set_visible (self->target_box, project != NULL);
  if (project != NULL && lq_project_get_rate (project) > 0)
    lq_chain_panel_set_rate (self, lq_project_get_rate (project));
  if (project != NULL)
    update_from_project (self);
  else
    show_chain (self, NULL);
  sync_cards (self);
  update_title (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECT]);
}

/**
 * lq_chain_panel_get_project:
 *
 * Returns: (transfer none) (nullable): the project
 */
LqProject *
lq_chain_panel_get_project (LqChainPanel *self)
{
  g_return_val_if_fail (LQ_IS_CHAIN_PANEL (self), NULL);
  return self->project;
}

/**
 * lq_chain_panel_set_track:
 * @track: (nullable): the selected track of the project
 */
void
lq_chain_panel_set_track (LqChainPanel *self,
                          LqTrack      *track)
{
  g_return_if_fail (LQ_IS_CHAIN_PANEL (self));
  g_return_if_fail (track == NULL || LQ_IS_TRACK (track));

  if (self->track == track)
    return;
  if (self->track != NULL)
    g_signal_handlers_disconnect_by_data (self->track, self);
  g_set_object (&self->track, track);
  if (track != NULL)
    g_signal_connect_object (track, "notify::title", G_CALLBACK (track_title_cb), self, G_CONNECT_SWAPPED);
  update_from_project (self);
  update_title (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TRACK]);
}

/**
 * lq_chain_panel_get_track:
 *
 * Returns: (transfer none) (nullable): the selected track
 */
LqTrack *
lq_chain_panel_get_track (LqChainPanel *self)
{
  g_return_val_if_fail (LQ_IS_CHAIN_PANEL (self), NULL);
  return self->track;
}

/**
 * lq_chain_panel_set_show_master:
 *
 * With a project, shows its master chain (%TRUE) or the selected track's (%FALSE).
 */
void
lq_chain_panel_set_show_master (LqChainPanel *self,
                                gboolean      show_master)
{
  g_return_if_fail (LQ_IS_CHAIN_PANEL (self));

  show_master = !!show_master;
  if (self->show_master == show_master)
    return;
  self->show_master = show_master;
  gtk_toggle_button_set_active (show_master ? self->master_button : self->track_button, TRUE);
  update_from_project (self);
  update_title (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_MASTER]);
}

gboolean
lq_chain_panel_get_show_master (LqChainPanel *self)
{
  g_return_val_if_fail (LQ_IS_CHAIN_PANEL (self), FALSE);
  return self->show_master;
}

/**
 * lq_chain_panel_set_chain:
 * @chain: (nullable): any chain to show
 * @title: (nullable): shown above it
 *
 * Shows @chain without a project (the Track/Master switch hides).
 */
void
lq_chain_panel_set_chain (LqChainPanel *self,
                          LqChain      *chain,
                          const char   *title)
{
  g_return_if_fail (LQ_IS_CHAIN_PANEL (self));
  g_return_if_fail (chain == NULL || LQ_IS_CHAIN (chain));

  if (self->project != NULL)
    lq_chain_panel_set_project (self, NULL);
  g_free (self->title);
  self->title = g_strdup (title);
  show_chain (self, chain);
  update_stems (self);
  update_title (self);
}

/**
 * lq_chain_panel_get_chain:
 *
 * Returns: (transfer none) (nullable): the chain shown
 */
LqChain *
lq_chain_panel_get_chain (LqChainPanel *self)
{
  g_return_val_if_fail (LQ_IS_CHAIN_PANEL (self), NULL);
  return self->chain;
}

/**
 * lq_chain_panel_set_rate:
 *
 * The rate the chain runs at (the project's); the EQ curves depend on it near Nyquist.
 */
void
lq_chain_panel_set_rate (LqChainPanel *self,
                         guint         rate)
{
  GHashTableIter iter;
  gpointer card;

  g_return_if_fail (LQ_IS_CHAIN_PANEL (self));

  if (rate == self->rate || rate < 8000)
    return;
  self->rate = rate;
  g_hash_table_iter_init (&iter, self->cards);
  while (g_hash_table_iter_next (&iter, NULL, &card))
    lq_element_card_set_rate (card, rate);
  if (self->stem_mixer != NULL)
    lq_stem_mixer_set_rate (LQ_STEM_MIXER (self->stem_mixer), rate);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATE]);
}

guint
lq_chain_panel_get_rate (LqChainPanel *self)
{
  g_return_val_if_fail (LQ_IS_CHAIN_PANEL (self), 0);
  return self->rate;
}

/**
 * lq_chain_panel_set_live_elements:
 * @chain: (nullable): the chain whose elements are running, or %NULL to forget them all
 * @elements: (array length=n_elements) (nullable): the running elements, in @chain's order
 *   (as lq_chain_runner_get_element() gives them)
 *
 * Lets the meters (compressor gain reduction, limiter history, multiband bands) read the
 * elements that play. The panel keeps references until the next call; an element of @chain
 * beyond @n_elements, or whose factory differs, gets no meter.
 */
void
lq_chain_panel_set_live_elements (LqChainPanel       *self,
                                  LqChain            *chain,
                                  GstElement * const *elements,
                                  guint               n_elements)
{
  GHashTableIter iter;
  gpointer element, card;

  g_return_if_fail (LQ_IS_CHAIN_PANEL (self));
  g_return_if_fail (chain == NULL || LQ_IS_CHAIN (chain));

  g_hash_table_remove_all (self->live);
  if (chain != NULL && elements != NULL)
    for (guint i = 0; i < MIN (n_elements, lq_chain_get_n_elements (chain)); i++)
      {
        LqChainElement *e = lq_chain_get_element (chain, i);
        GstElementFactory *f;

        if (elements[i] == NULL)
          continue;
        f = gst_element_get_factory (elements[i]);
        if (f == NULL || g_strcmp0 (gst_plugin_feature_get_name (GST_PLUGIN_FEATURE (f)), lq_chain_element_get_factory (e)) != 0)
          continue;
        g_hash_table_insert (self->live, g_object_ref (e), gst_object_ref (elements[i]));
      }
  g_hash_table_iter_init (&iter, self->cards);
  while (g_hash_table_iter_next (&iter, &element, &card))
    lq_element_card_set_live_element (card, g_hash_table_lookup (self->live, element));
}

/**
 * lq_chain_panel_get_card:
 *
 * Returns: (transfer none) (nullable): the LqElementCard of the element at @position
 */
GtkWidget *
lq_chain_panel_get_card (LqChainPanel *self,
                         guint         position)
{
  LqChainElement *element;

  g_return_val_if_fail (LQ_IS_CHAIN_PANEL (self), NULL);

  if (self->chain == NULL || (element = lq_chain_get_element (self->chain, position)) == NULL)
    return NULL;
  return g_hash_table_lookup (self->cards, element);
}
