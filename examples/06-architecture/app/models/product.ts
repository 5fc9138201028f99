import {
  type CreationOptional,
  DataTypes,
  type InferAttributes,
  type InferCreationAttributes,
  type Model,
  type ModelStatic,
  type Sequelize,
} from 'sequelize';

export interface ProductRow extends Model<InferAttributes<ProductRow>, InferCreationAttributes<ProductRow>> {
  id: CreationOptional<number>;
  name: string;
  /** Money as integer cents: a float cannot hold 0.10 exactly. */
  priceCents: number;
  stock: CreationOptional<number>;
  createdAt: CreationOptional<Date>;
}

export type ProductModel = ModelStatic<ProductRow>;

export function defineProductModel(sequelize: Sequelize): ProductModel {
  return sequelize.define<ProductRow>(
    'Product',
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      name: { type: DataTypes.STRING(200), allowNull: false },
      priceCents: { type: DataTypes.INTEGER, allowNull: false, field: 'price_cents' },
      // Added by migration 003: a database still on 002 has no such column.
      stock: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
    },
    { tableName: 'products', timestamps: true, updatedAt: false },
  );
}
