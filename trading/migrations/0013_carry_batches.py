"""Carry rounds in batches: a round's positions written down when it opens, each batch
posted once, in a transaction of its own."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('market', '0006_private_replays'),
        ('trading', '0012_ledger_and_notification_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='CarryBatch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('deposit', 'Opening deposit'), ('grant', 'Staff grant or removal'), ('reset', 'Paper account reset'), ('transfer', 'Transfer'), ('fee', 'Trading fee'), ('realised_pnl', 'Realised profit and loss'), ('borrow_interest', 'Borrow interest'), ('funding', 'Funding payment'), ('financing', 'Overnight financing'), ('premium', 'Option premium'), ('liquidation_fee', 'Liquidation fee'), ('insurance_cover', 'Insurance fund cover'), ('settlement', 'Settlement')], max_length=32)),
                ('period', models.CharField(help_text='The period charged: a funding time, an hour or a day.', max_length=40)),
                ('number', models.PositiveIntegerField(help_text="The batch's place in its round, from 0.")),
                ('mark_price', models.DecimalField(decimal_places=12, max_digits=28)),
                ('rate', models.DecimalField(decimal_places=12, max_digits=20)),
                ('positions', models.JSONField(default=list, help_text='[position id, account id, quantity] of each position to charge; emptied once posted (the journal holds what each paid).')),
                ('charged', models.PositiveIntegerField(default=0)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('posted_at', models.DateTimeField(blank=True, null=True)),
                ('instrument', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='market.instrument')),
            ],
            options={
                'ordering': ['instrument', 'kind', 'period', 'number'],
                'indexes': [models.Index(condition=models.Q(('posted_at__isnull', True)), fields=['created_at'], name='trading_carrybatch_open_idx')],
                'constraints': [models.UniqueConstraint(fields=('instrument', 'kind', 'period', 'number'), name='trading_carrybatch_unique')],
            },
        ),
    ]
